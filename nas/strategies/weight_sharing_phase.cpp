#include "nas/strategies/weight_sharing_phase.h"

#include <algorithm>

#include "nas/config/experiment_config.h"
#include "nas/results/experiment_results.h"
#include "nas/store/trial_store.h"
#include "nas/strategies/darts_search_driver.h"
#include "nas/strategies/enas_search_driver.h"
#include "train/training_data.h"

namespace pinas::nas {

WeightSharingTarget weight_sharing_target(const pb::ExperimentConfig& config) {
  train::TrainingDataRequest request;
  request.spec = config.dataset().name();
  request.validation_fraction = config.dataset().validation_fraction();
  request.train_subset = config.dataset().train_subset();
  request.test_subset = config.dataset().test_subset();
  const auto data = train::load_training_data(request);
  WeightSharingTarget target;
  target.input = spaces::Shape{data->info.channels, data->info.height, data->info.width};
  target.num_classes = static_cast<std::int64_t>(data->info.class_count());
  target.max_relus = static_cast<std::int64_t>(max_cost(config));
  return target;
}

std::int64_t widest_channels_within(std::int64_t max_relus,
                                    const std::function<std::int64_t(std::int64_t)>& relus_at) {
  constexpr std::int64_t kWidest = 65536;
  const std::int64_t per_channel = relus_at(1);
  if (per_channel > max_relus) return 0;
  std::int64_t channels = std::min<std::int64_t>(
      std::max<std::int64_t>(max_relus / std::max<std::int64_t>(per_channel, 1), 1), kWidest);
  while (channels > 1 && relus_at(channels) > max_relus) --channels;
  while (channels < kWidest && relus_at(channels + 1) <= max_relus) ++channels;
  return channels;
}

std::optional<std::string> recorded_supernet_result(const std::filesystem::path& folder,
                                                    const std::string& key) {
  auto store = TrialStore::open(store_path(folder));
  return store.get_meta(key);
}

void record_supernet_result(const std::filesystem::path& folder, const std::string& key,
                            const std::string& value) {
  auto store = TrialStore::open(store_path(folder));
  store.begin();
  store.set_meta(key, value);
  store.commit();
}

DerivedSearch run_weight_sharing_phase(const pb::ExperimentConfig& config,
                                       const std::filesystem::path& folder, std::ostream& log,
                                       std::shared_ptr<train::supernet::DataParallelGroup> group) {
  switch (config.strategy().kind()) {
    case pb::DARTS:
      return run_darts_phase(config, folder, log, std::move(group));
    case pb::ENAS:
      return run_enas_phase(config, folder, log, std::move(group));
    default:
      throw ConfigError("field strategy.kind: not a weight-sharing strategy");
  }
}

void run_weight_sharing_worker(const pb::ExperimentConfig& config,
                               const std::filesystem::path& folder,
                               std::shared_ptr<train::supernet::DataParallelGroup> group) {
  switch (config.strategy().kind()) {
    case pb::DARTS:
      return run_darts_supernet_worker(config, folder, std::move(group));
    case pb::ENAS:
      return run_enas_supernet_worker(config, folder, std::move(group));
    default:
      throw ConfigError("field strategy.kind: not a weight-sharing strategy");
  }
}

}  // namespace pinas::nas
