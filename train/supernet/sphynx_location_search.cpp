#include "train/supernet/sphynx_location_search.h"

#include <fmt/format.h>

#include <memory>

#include "search_spaces/sphynx_space.h"
#include "train/data/split.h"
#include "train/detail/thread_settings.h"
#include "train/network.h"
#include "train/training_data.h"

namespace pinas::train::supernet {

std::vector<std::pair<int, int>> reduction_location_pairs(int num_cells, int last_position) {
  const int last = std::min(last_position > 0 ? last_position : 2 * num_cells / 3, num_cells - 1);
  std::vector<std::pair<int, int>> pairs;
  for (int j = 0; j <= last; ++j)
    for (int i = j + 1; i <= last; ++i) pairs.emplace_back(j, i);
  if (pairs.empty())
    throw Error(fmt::format("location search: no reduction pair j < i <= {} in a {}-cell network",
                            last, num_cells));
  return pairs;
}

SphynxLocationSearchResult run_sphynx_location_search(
    const SphynxLocationSearchSettings& settings,
    const std::function<void(const LocationEpochReport&, const std::vector<std::pair<int, int>>&)>&
        on_epoch) {
  if (!(settings.weight_fraction > 0 && settings.weight_fraction < 1))
    throw Error("location search: weight_fraction must be in (0, 1)");
  if (settings.channels < 1) throw Error("location search: channels must be at least 1");
  if (settings.threads > 0) train::detail::use_intra_op_threads(settings.threads);
  SphynxLocationSearchResult result;
  result.pairs = reduction_location_pairs(settings.num_cells, settings.last_position);

  TrainingDataRequest request;
  request.spec = settings.data_spec;
  request.validation_fraction = settings.validation_fraction;
  request.train_subset = settings.train_subset;
  request.test_subset = settings.test_subset;
  auto data = load_training_data(request);
  // The same split as the cell search's (same seed and fraction).
  auto halves = data::split_train_validation(*data->train, 1.0 - settings.weight_fraction,
                                             settings.search.seed);
  LocationSearchInputs inputs;
  inputs.weight_part = std::make_shared<const data::ImageDataset>(std::move(halves.train));
  inputs.beta_part = std::make_shared<const data::ImageDataset>(std::move(halves.validation));
  inputs.normalization = data->normalization;
  inputs.augmentation = data->augmentation;

  const spaces::SphynxSpace space;
  const spaces::Shape input{data->info.channels, data->info.height, data->info.width};
  const auto classes = static_cast<std::int64_t>(data->info.class_count());
  for (size_t c = 0; c < result.pairs.size(); ++c) {
    pb::Genotype genotype;
    auto& sphynx = *genotype.mutable_sphynx();
    *sphynx.mutable_normal() = settings.cells.normal();
    *sphynx.mutable_reduction() = settings.cells.reduction();
    sphynx.set_num_cells(settings.num_cells);
    sphynx.set_channels(settings.channels);
    sphynx.add_reduction_positions(result.pairs[c].first);
    sphynx.add_reduction_positions(result.pairs[c].second);
    auto network = std::make_shared<NetworkImpl>(space.build(genotype, input, classes),
                                                 settings.search.seed + 1 + c);
    inputs.candidates.emplace_back(network);
  }
  result.search = run_location_search(settings.search, std::move(inputs),
                                      [&](const LocationEpochReport& report) {
                                        if (on_epoch) on_epoch(report, result.pairs);
                                      });
  result.chosen = result.pairs[static_cast<size_t>(result.search.chosen)];
  return result;
}

}  // namespace pinas::train::supernet
