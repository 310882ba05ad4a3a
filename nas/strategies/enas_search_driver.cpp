#include "nas/strategies/enas_search_driver.h"

#include <fmt/format.h>
#include <google/protobuf/text_format.h>

#include "nas/config/experiment_config.h"
#include "nas/results/experiment_results.h"
#include "nas/store/trial_store.h"
#include "nas/strategies/derived_candidates.h"
#include "nas/strategies/enas_search.h"
#include "search_spaces/cryptonas_space.h"

namespace pinas::nas {
namespace {

constexpr const char* kArchitectureMetaKey = "enas_architecture";

EnasSearchSettings search_settings(const pb::ExperimentConfig& config,
                                   const std::filesystem::path& folder) {
  const auto& enas = config.strategy().enas();
  EnasSearchSettings settings;
  settings.data_spec = config.dataset().name();
  settings.validation_fraction = config.dataset().validation_fraction();
  settings.train_subset = config.dataset().train_subset();
  settings.test_subset = config.dataset().test_subset();
  settings.network.layers = enas.layers();
  settings.network.channels = enas.channels();
  settings.network.op_style = enas.match_space_ops() ? train::supernet::detail::EnasOpStyle::kSpace
                                                     : train::supernet::detail::EnasOpStyle::kPaper;
  auto& controller = settings.controller;
  controller.layers = enas.layers();
  controller.hidden_size = enas.controller_hidden_size();
  controller.tanh_constant = enas.controller_tanh_constant();
  controller.learning_rate = enas.controller_learning_rate();
  controller.beta1 = enas.controller_beta1();
  controller.entropy_weight = enas.entropy_weight();
  controller.baseline_decay = enas.baseline_decay();
  controller.skip_target = enas.skip_target();
  controller.skip_weight = enas.skip_weight();
  settings.batch_size = enas.batch_size();
  settings.epochs = enas.epochs();
  settings.learning_rate = enas.learning_rate();
  settings.final_learning_rate = enas.final_learning_rate();
  settings.restart_period = enas.restart_period();
  settings.restart_multiplier = enas.restart_multiplier();
  settings.momentum = enas.momentum();
  settings.weight_decay = enas.weight_decay();
  settings.controller_steps = enas.controller_steps();
  settings.controller_samples = enas.controller_samples();
  settings.reward_batch_size = enas.reward_batch_size();
  settings.final_samples = enas.final_samples();
  settings.seed = config.seed();
  settings.threads = config.training().threads_per_trial();
  settings.checkpoint = folder / "supernet" / "enas.pt";
  return settings;
}

std::string architecture_text(const pb::CryptoNasGenotype& architecture) {
  std::string text;
  google::protobuf::TextFormat::PrintToString(architecture, &text);
  return text;
}

}  // namespace

pb::Genotype fit_cryptonas_network(const pb::CryptoNasGenotype& architecture,
                                   const pb::EnasOptions& options, spaces::Shape input,
                                   std::int64_t num_classes, std::int64_t max_relus) {
  const spaces::CryptoNasSpace space;
  pb::Genotype genotype;
  auto& cryptonas = *genotype.mutable_cryptonas();
  cryptonas = architecture;
  cryptonas.set_num_layers(architecture.layers_size());
  auto relus_at = [&](std::int64_t channels) {
    cryptonas.set_channels(channels);
    return space.count(genotype, input, num_classes).relus;
  };
  if (options.final_channels() > 0) {
    cryptonas.set_channels(options.final_channels());
    space.check(genotype);
    return genotype;
  }
  const std::int64_t channels = widest_channels_within(max_relus, relus_at);
  if (channels == 0)
    throw ConfigError(
        fmt::format("ENAS: the {}-layer network has {} ReLUs at width 1, over the budget of {}",
                    architecture.layers_size(), relus_at(1), max_relus));
  cryptonas.set_channels(channels);
  return genotype;
}

void run_enas_supernet_worker(const pb::ExperimentConfig& config,
                              const std::filesystem::path& folder,
                              std::shared_ptr<train::supernet::DataParallelGroup> group) {
  // Rank 0 makes the same check before training: both skip, or both train.
  if (recorded_supernet_result(folder, kArchitectureMetaKey)) return;
  auto settings = search_settings(config, folder);
  settings.group = std::move(group);
  run_enas_search(settings);
}

DerivedSearch run_enas_phase(const pb::ExperimentConfig& config,
                             const std::filesystem::path& folder, std::ostream& log,
                             std::shared_ptr<train::supernet::DataParallelGroup> group) {
  const auto& enas = config.strategy().enas();
  const auto target = weight_sharing_target(config);
  const spaces::CryptoNasSpace space;
  auto fitted = [&](const pb::CryptoNasGenotype& architecture) {
    return fit_cryptonas_network(architecture, enas, target.input, target.num_classes,
                                 target.max_relus);
  };
  auto relus = [&](const pb::Genotype& genotype) {
    return space.count(genotype, target.input, target.num_classes).relus;
  };
  // Refuse a budget no final network fits before any supernet training (the
  // ops and skips do not change the ReLU count: one ReLU per layer).
  fitted(spaces::CryptoNasSpace::plain(enas.layers(), 1, pb::CRYPTONAS_CONV_3X3).cryptonas());

  pb::CryptoNasGenotype best;
  const auto recorded = recorded_supernet_result(folder, kArchitectureMetaKey);
  if (recorded) {
    if (!google::protobuf::TextFormat::ParseFromString(*recorded, &best))
      throw StoreError(fmt::format("trial store {}: meta '{}' is not a cryptonas architecture",
                                   store_path(folder).string(), kArchitectureMetaKey));
    log << fmt::format("enas: the supernet search finished earlier; derived {}\n",
                       space.describe(fitted(best)));
  } else {
    auto settings = search_settings(config, folder);
    settings.group = std::move(group);
    if (settings.group)
      log << fmt::format(
          "enas: data parallel over {} MPI ranks, each a shard of every batch of {}\n",
          settings.group->size(), settings.batch_size);
    log << fmt::format(
        "enas: supernet of {} layers, width {}, {} epochs of batch {}, {} controller updates of {} "
        "samples per epoch, checkpoint {}\n",
        settings.network.layers, settings.network.channels, settings.epochs, settings.batch_size,
        settings.controller_steps, settings.controller_samples, settings.checkpoint.string());
    log.flush();
    const auto result = run_enas_search(settings, [&](const EnasEpochReport& report) {
      const auto genotype = fitted(report.architecture);
      log << fmt::format(
          "enas epoch {:>3}/{}  lr {:.5f}  train loss {:.4f}  train acc {:.4f}  val acc {:.4f}  "
          "reward {:.4f}  entropy {:.3f}  {:>6.1f} s{}  ReLUs {}  {}\n",
          report.epoch, report.epochs, report.learning_rate, report.train_loss,
          report.train_accuracy, report.val_accuracy, report.mean_reward, report.mean_entropy,
          report.seconds, report.resumed ? " (resumed)" : "", relus(genotype),
          space.describe(genotype));
      log.flush();
    });
    for (const auto& candidate : result.scored)
      log << fmt::format("enas: sample acc {:.4f}  {}\n", candidate.accuracy,
                         space.describe(fitted(candidate.architecture)));
    best = result.best;
    log << fmt::format("enas: best of {} samples (acc {:.4f} on a validation minibatch)\n",
                       result.scored.size(), result.best_accuracy);
    record_supernet_result(folder, kArchitectureMetaKey, architecture_text(best));
  }
  std::vector<pb::Genotype> genotypes{fitted(best)};
  log << fmt::format("enas: derived network {} ({} ReLUs)\n", space.describe(genotypes.back()),
                     relus(genotypes.back()));
  log.flush();
  DerivedSearch derived;
  derived.space = std::make_unique<DerivedCandidateSpace>(
      std::make_unique<spaces::CryptoNasSpace>(), std::move(genotypes), target.input,
      target.num_classes);
  derived.strategy = std::make_unique<DerivedGenotypeStrategy>(1);
  return derived;
}

}  // namespace pinas::nas
