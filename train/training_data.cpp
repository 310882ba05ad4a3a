#include "train/training_data.h"

#include <fmt/format.h>

#include <map>
#include <mutex>

#include "train/data/data_spec.h"
#include "train/data/split.h"

namespace pinas::train {
namespace {

data::AugmentationOptions standard_augmentation(const data::DatasetInfo& info) {
  data::AugmentationOptions augmentation;
  if (info.name == "fashion-mnist") return augmentation;  // converges fast without; keeps epochs cheap
  augmentation.crop_padding = info.height >= 32 ? 4 : 2;
  augmentation.horizontal_flip = true;
  return augmentation;
}

std::shared_ptr<const TrainingData> load_uncached(const TrainingDataRequest& request) {
  data::LoadedData loaded = data::load_data(request.spec);
  auto prepared = std::make_shared<TrainingData>();
  prepared->info = loaded.info;
  data::ImageDataset train_part;
  if (request.validation_fraction > 0.0) {
    auto split = data::split_train_validation(loaded.train, request.validation_fraction, request.split_seed);
    train_part = std::move(split.train);
    prepared->validation = std::make_shared<const data::ImageDataset>(std::move(split.validation));
  } else {
    train_part = std::move(loaded.train);
  }
  if (request.train_subset > 0) {
    train_part = data::take_subset(train_part, static_cast<size_t>(request.train_subset), request.split_seed);
  }
  data::ImageDataset test = std::move(loaded.test);
  if (request.test_subset > 0) test = data::take_subset(test, static_cast<size_t>(request.test_subset), request.split_seed);
  auto standard = data::standard_normalization(prepared->info.name);
  prepared->normalization = standard ? *standard : data::compute_normalization(train_part);
  prepared->augmentation = standard_augmentation(prepared->info);
  prepared->train = std::make_shared<const data::ImageDataset>(std::move(train_part));
  prepared->test = std::make_shared<const data::ImageDataset>(std::move(test));
  return prepared;
}

}  // namespace

std::shared_ptr<const TrainingData> load_training_data(const TrainingDataRequest& request) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const TrainingData>> cache;
  const std::string key = fmt::format("{}|{}|{}|{}|{}", request.spec, request.validation_fraction,
                                      request.split_seed, request.train_subset, request.test_subset);
  std::lock_guard lock(mutex);
  auto found = cache.find(key);
  if (found != cache.end()) return found->second;
  auto prepared = load_uncached(request);
  cache.emplace(key, prepared);
  return prepared;
}

}  // namespace pinas::train
