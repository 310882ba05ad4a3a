#include "nas/strategies/sphynx_locations.h"

#include <fmt/format.h>

#include <cstdio>
#include <optional>

#include "nas/config/experiment_config.h"
#include "nas/results/experiment_results.h"
#include "nas/store/trial_store.h"
#include "nas/strategies/weight_sharing_phase.h"
#include "train/supernet/sphynx_location_search.h"

namespace pinas::nas {
namespace {

std::string meta_key(int cells) {
  return fmt::format("darts_locations_L{}", cells);
}

}  // namespace

std::pair<int, int> run_location_stage(const pb::ExperimentConfig& config,
                                       const std::filesystem::path& folder,
                                       const pb::SphynxGenotype& derived_cells, int cells,
                                       std::int64_t channels, std::ostream& log) {
  const auto& darts = config.strategy().darts();
  const auto& options = darts.locations();
  if (const auto recorded = recorded_supernet_result(folder, meta_key(cells))) {
    int j = 0, i = 0;
    char separator = 0;
    if (std::sscanf(recorded->c_str(), "%d%c%d", &j, &separator, &i) != 3 || separator != ',' ||
        j < 0 || j >= i || i >= cells)
      throw StoreError(fmt::format("trial store {}: meta '{}' is not a reduction pair: '{}'",
                                   store_path(folder).string(), meta_key(cells), *recorded));
    log << fmt::format("locations: the L={} search finished earlier; reductions at {},{}\n", cells,
                       j, i);
    return {j, i};
  }
  train::supernet::SphynxLocationSearchSettings settings;
  settings.data_spec = config.dataset().name();
  settings.validation_fraction = config.dataset().validation_fraction();
  settings.train_subset = config.dataset().train_subset();
  settings.test_subset = config.dataset().test_subset();
  settings.weight_fraction = darts.weight_fraction();
  settings.cells = derived_cells;
  settings.num_cells = cells;
  settings.channels = options.channels() > 0 ? options.channels() : channels;
  settings.last_position = options.last_position();
  settings.threads = config.training().threads_per_trial();
  auto& search = settings.search;
  search.epochs = options.epochs();
  search.batch_size = options.batch_size();
  search.initial_temperature = options.initial_temperature();
  search.final_temperature = options.final_temperature();
  search.candidates_per_step = options.candidates_per_step();
  search.beta_learning_rate = options.beta_learning_rate();
  search.beta_beta1 = options.beta_beta1();
  search.beta_beta2 = options.beta_beta2();
  search.learning_rate = options.learning_rate();
  search.momentum = options.momentum();
  search.weight_decay = options.weight_decay();
  search.gradient_clip = options.gradient_clip();
  search.seed = config.seed();
  search.checkpoint = folder / "supernet" / fmt::format("locations-L{}.pt", cells);
  const auto pairs =
      train::supernet::reduction_location_pairs(settings.num_cells, settings.last_position);
  log << fmt::format(
      "locations: L={} width {}, {} candidate reduction pairs, {} epochs of batch {}, temperature "
      "{} -> {}, checkpoint {}\n",
      cells, settings.channels, pairs.size(), search.epochs, search.batch_size,
      search.initial_temperature, search.final_temperature, search.checkpoint.string());
  log.flush();
  const auto result = train::supernet::run_sphynx_location_search(
      settings, [&](const train::supernet::LocationEpochReport& report, const auto& candidates) {
        const auto& best = candidates[static_cast<size_t>(report.chosen)];
        log << fmt::format(
            "locations epoch {:>3}/{}  L{}  temperature {:.3f}  train loss {:.4f}  train acc "
            "{:.4f}  val acc {:.4f}  {:>6.1f} s{}  reductions {},{} (p {:.3f})\n",
            report.epoch, report.epochs, cells, report.temperature, report.train_loss,
            report.train_accuracy, report.val_accuracy, report.seconds,
            report.resumed ? " (resumed)" : "", best.first, best.second,
            report.probabilities[static_cast<size_t>(report.chosen)]);
        log.flush();
      });
  log << fmt::format("locations: L={} reductions at {},{}\n", cells, result.chosen.first,
                     result.chosen.second);
  record_supernet_result(folder, meta_key(cells),
                         fmt::format("{},{}", result.chosen.first, result.chosen.second));
  return result.chosen;
}

}  // namespace pinas::nas
