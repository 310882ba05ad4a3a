#include "train/supernet/search_loaders.h"

#include <utility>

namespace pinas::train::supernet {

std::unique_ptr<data::BatchLoader> make_search_loader(
    std::shared_ptr<const data::ImageDataset> part, int64_t batch_size, uint64_t seed,
    const data::Normalization& normalization, const data::AugmentationOptions& augmentation) {
  data::BatchLoaderOptions options;
  options.batch_size = batch_size;
  options.shuffle = true;
  options.drop_last = static_cast<int64_t>(part->size()) > batch_size;
  options.seed = seed;
  options.threads = 1;
  options.normalization = normalization;
  options.augmentation = augmentation;
  return std::make_unique<data::BatchLoader>(std::move(part), options);
}

std::unique_ptr<data::BatchLoader> make_evaluation_loader(
    std::shared_ptr<const data::ImageDataset> dataset, const data::Normalization& normalization) {
  data::BatchLoaderOptions options;
  options.batch_size = 256;
  options.shuffle = false;
  options.threads = 1;
  options.normalization = normalization;
  return std::make_unique<data::BatchLoader>(std::move(dataset), options);
}

}  // namespace pinas::train::supernet
