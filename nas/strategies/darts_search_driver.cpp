#include "nas/strategies/darts_search_driver.h"

#include <fmt/format.h>
#include <google/protobuf/text_format.h>

#include <algorithm>
#include <optional>
#include <random>

#include "nas/config/experiment_config.h"
#include "nas/results/experiment_results.h"
#include "nas/store/trial_store.h"
#include "nas/strategies/darts_options.h"
#include "nas/strategies/derived_candidates.h"
#include "nas/strategies/sphynx_locations.h"
#include "search_spaces/sphynx_space.h"
#include "train/supernet/darts_search.h"
#include "train/training_data.h"

namespace pinas::nas {
namespace {

constexpr const char* kCellsMetaKey = "darts_cells";

train::supernet::DartsSearchSettings search_settings(const pb::ExperimentConfig& config,
                                                     const std::filesystem::path& folder) {
  const auto& darts = config.strategy().darts();
  train::supernet::DartsSearchSettings settings;
  settings.data_spec = config.dataset().name();
  settings.validation_fraction = config.dataset().validation_fraction();
  settings.train_subset = config.dataset().train_subset();
  settings.test_subset = config.dataset().test_subset();
  settings.weight_fraction = darts.weight_fraction();
  settings.network.cells = darts.cells();
  settings.network.channels = darts.channels();
  settings.network.reduction_positions.assign(darts.reduction_positions().begin(),
                                              darts.reduction_positions().end());
  settings.network.stem_multiplier = darts.stem_multiplier();
  settings.network.alpha_init_scale = darts.alpha_init_scale();
  settings.network.op_style = darts.match_space_ops() ? train::supernet::detail::OpStyle::kSpace
                                                      : train::supernet::detail::OpStyle::kPaper;
  settings.batch_size = darts.batch_size();
  settings.epochs = darts.epochs();
  settings.learning_rate = darts.learning_rate();
  settings.final_learning_rate = darts.final_learning_rate();
  settings.momentum = darts.momentum();
  settings.weight_decay = darts.weight_decay();
  settings.gradient_clip = darts.gradient_clip();
  settings.alpha_learning_rate = darts.alpha_learning_rate();
  settings.alpha_beta1 = darts.alpha_beta1();
  settings.alpha_beta2 = darts.alpha_beta2();
  settings.alpha_weight_decay = darts.alpha_weight_decay();
  settings.unrolled = darts.order() == pb::DARTS_UNROLLED;
  settings.max_normal_skips = darts.max_normal_skips() > 0 ? darts.max_normal_skips() : -1;
  settings.seed = config.seed();
  settings.threads = config.training().threads_per_trial();
  settings.checkpoint = folder / "supernet" / "darts.pt";
  return settings;
}

std::string cells_text(const pb::SphynxGenotype& cells) {
  std::string text;
  google::protobuf::TextFormat::PrintToString(cells, &text);
  return text;
}

}  // namespace

pb::Genotype fit_final_network(const pb::SphynxGenotype& derived_cells, int cells,
                               const pb::DartsOptions& options, spaces::Shape input,
                               std::int64_t num_classes, std::int64_t max_relus) {
  const spaces::SphynxSpace space;
  pb::Genotype genotype;
  auto& sphynx = *genotype.mutable_sphynx();
  *sphynx.mutable_normal() = derived_cells.normal();
  *sphynx.mutable_reduction() = derived_cells.reduction();
  sphynx.set_num_cells(cells);
  if (options.final_reduction_positions().empty()) {
    for (int position : default_final_reductions(cells)) sphynx.add_reduction_positions(position);
  } else {
    *sphynx.mutable_reduction_positions() = options.final_reduction_positions();
  }
  auto relus_at = [&](std::int64_t channels) {
    sphynx.set_channels(channels);
    return space.count(genotype, input, num_classes).relus;
  };
  if (options.final_channels() > 0) {
    sphynx.set_channels(options.final_channels());
    return genotype;
  }
  const std::int64_t channels = widest_channels_within(max_relus, relus_at);
  if (channels == 0)
    throw ConfigError(
        fmt::format("DARTS: the {}-cell network has {} ReLUs at width 1, over the budget of {}",
                    cells, relus_at(1), max_relus));
  sphynx.set_channels(channels);
  return genotype;
}

void run_darts_supernet_worker(const pb::ExperimentConfig& config,
                               const std::filesystem::path& folder,
                               std::shared_ptr<train::supernet::DataParallelGroup> group) {
  // Rank 0 makes the same check before training: both skip, or both train.
  if (recorded_supernet_result(folder, kCellsMetaKey)) return;
  auto settings = search_settings(config, folder);
  settings.group = std::move(group);
  train::supernet::run_darts_search(settings);
}

DerivedSearch run_darts_phase(const pb::ExperimentConfig& config,
                              const std::filesystem::path& folder, std::ostream& log,
                              std::shared_ptr<train::supernet::DataParallelGroup> group) {
  const auto& darts = config.strategy().darts();
  const auto target = weight_sharing_target(config);
  const spaces::Shape input = target.input;
  const auto num_classes = target.num_classes;
  const auto max_relus = target.max_relus;
  const spaces::SphynxSpace space;
  auto describe_fitted = [&](const pb::SphynxGenotype& cells) {
    auto genotype =
        fit_final_network(cells, darts.final_cells(0), darts, input, num_classes, max_relus);
    return std::make_pair(space.count(genotype, input, num_classes).relus,
                          space.describe(genotype));
  };

  {
    // Refuse a budget no final network fits before any supernet training
    // (the cells do not change the ReLU count: one ReLU per cell).
    std::mt19937_64 random(config.seed());
    const auto sample = space.sample(random).sphynx();
    for (int cells : darts.final_cells())
      fit_final_network(sample, cells, darts, input, num_classes, max_relus);
  }

  pb::SphynxGenotype best;
  const std::optional<std::string> recorded = recorded_supernet_result(folder, kCellsMetaKey);
  if (recorded) {
    if (!google::protobuf::TextFormat::ParseFromString(*recorded, &best))
      throw StoreError(fmt::format("trial store {}: meta '{}' is not a sphynx genotype",
                                   store_path(folder).string(), kCellsMetaKey));
    log << fmt::format("darts: the supernet search finished earlier; derived cells {}\n",
                       describe_fitted(best).second);
  } else {
    auto settings = search_settings(config, folder);
    settings.group = std::move(group);
    if (settings.group)
      log << fmt::format(
          "darts: data parallel over {} MPI ranks, each a shard of every batch of {}\n",
          settings.group->size(), settings.batch_size);
    log << fmt::format(
        "darts: supernet of {} cells, width {}, reductions at {}, {} epochs of batch {} ({}), "
        "checkpoint {}\n",
        settings.network.cells, settings.network.channels,
        fmt::join(settings.network.reduction_positions, ","), settings.epochs, settings.batch_size,
        settings.unrolled ? "one-step unrolled" : "first order", settings.checkpoint.string());
    log.flush();
    const auto result = train::supernet::run_darts_search(
        settings, [&](const train::supernet::DartsEpochReport& report) {
          const auto [relus, genotype] = describe_fitted(report.cells);
          log << fmt::format(
              "darts epoch {:>3}/{}  lr {:.5f}  train loss {:.4f}  train acc {:.4f}  val acc "
              "{:.4f}  {:>6.1f} s{}  "
              "ReLUs {}  {}\n",
              report.epoch, report.epochs, report.learning_rate, report.train_loss,
              report.train_accuracy, report.val_accuracy, report.seconds,
              report.resumed ? " (resumed)" : "", relus, genotype);
          if (!report.derivable)
            log << fmt::format(
                "darts epoch {:>3}: alphas not in the checkpoint, so its cells are uncapped and it "
                "cannot be the best epoch under max_normal_skips\n",
                report.epoch);
          log.flush();
        });
    best = result.best_cells;
    log << fmt::format("darts: best validation epoch {} (val acc {:.4f})\n", result.best_epoch,
                       result.best_val_accuracy);
    record_supernet_result(folder, kCellsMetaKey, cells_text(best));
  }

  std::vector<pb::Genotype> genotypes;
  for (int cells : darts.final_cells()) {
    pb::DartsOptions fitting = darts;
    if (darts.locations().enabled()) {
      // The candidates default to the width of the network to be retrained.
      const auto width =
          fit_final_network(best, cells, darts, input, num_classes, max_relus).sphynx().channels();
      const auto [first, second] = run_location_stage(config, folder, best, cells, width, log);
      fitting.clear_final_reduction_positions();
      fitting.add_final_reduction_positions(first);
      fitting.add_final_reduction_positions(second);
    }
    genotypes.push_back(fit_final_network(best, cells, fitting, input, num_classes, max_relus));
    log << fmt::format("darts: derived network {} ({} ReLUs)\n", space.describe(genotypes.back()),
                       space.count(genotypes.back(), input, num_classes).relus);
  }
  log.flush();
  DerivedSearch derived;
  const int count = static_cast<int>(genotypes.size());
  derived.space = std::make_unique<DerivedCandidateSpace>(std::make_unique<spaces::SphynxSpace>(),
                                                          std::move(genotypes), input, num_classes);
  derived.strategy = std::make_unique<DerivedGenotypeStrategy>(count);
  return derived;
}

}  // namespace pinas::nas
