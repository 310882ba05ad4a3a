#include "nas/controller/experiment_runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "nas/cluster/cluster_error.h"
#include "nas/cluster/mpi_cluster.h"
#include "nas/config/experiment_config.h"
#include "nas/controller/reduction_step.h"
#include "nas/controller/search_controller.h"
#include "nas/evaluation/synthetic_evaluator.h"
#include "nas/strategies/darts_options.h"
#ifdef PINAS_NAS_TRAINING
#include "nas/cluster/mpi_data_parallel_group.h"
#include "nas/evaluation/training_evaluator.h"
#include "nas/strategies/weight_sharing_phase.h"
#endif
#include "nas/results/experiment_results.h"
#include "nas/results/search_progress.h"
#include "nas/spaces/candidate_space.h"

namespace pinas::nas {
namespace {

struct Experiment {
  pb::ExperimentConfig config;
  std::filesystem::path folder;
};

// Resolves the request into a config and folder, creating the store for a
// new experiment (rank 0 / embedded only).
Experiment prepare(const SearchRequest& request) {
  Experiment experiment;
  if (request.resume) {
    if (request.config)
      throw ConfigError("--resume takes the config from the experiment folder; drop --config");
    experiment.folder = *request.resume;
    auto store = TrialStore::open(store_path(experiment.folder));
    auto text = store.get_meta("config");
    if (!text)
      throw StoreError(
          fmt::format("trial store {} holds no experiment config", store.path().string()));
    experiment.config = parse_experiment_config(*text, store.path().string() + " (stored config)");
    return experiment;
  }
  if (!request.config) throw ConfigError("pinas search needs --config FILE or --resume DIR");
  experiment.config = load_experiment_config(*request.config);
  if (request.out)
    experiment.folder = *request.out;
  else if (!experiment.config.output_dir().empty())
    experiment.folder = experiment.config.output_dir();
  else
    throw ConfigError(fmt::format("{}: field output_dir: is empty and no --out was given",
                                  request.config->string()));
  experiment.config.set_output_dir(experiment.folder.string());
  std::filesystem::create_directories(experiment.folder);
  TrialStore::create(store_path(experiment.folder), to_text(experiment.config));
  return experiment;
}

// `cores` 0: training.threads_per_trial for each of `concurrent` trials when
// it is set, otherwise every core of the machine, split among them.
std::unique_ptr<Evaluator> make_evaluator(const pb::ExperimentConfig& config,
                                          const CandidateSpace& space, int concurrent,
                                          int cores = 0) {
  if (cores == 0 && config.training().threads_per_trial() > 0)
    cores = config.training().threads_per_trial() * std::max(1, concurrent);
  if (config.objective().source() == pb::SYNTHETIC)
    return std::make_unique<SyntheticEvaluator>(space.decision_space(), config.seed(),
                                                config.objective().synthetic_epoch_seconds());
#ifdef PINAS_NAS_TRAINING
  return std::make_unique<TrainingEvaluator>(config, concurrent, cores);
#else
  (void)concurrent;
  (void)cores;
  throw ConfigError(
      "field objective.source: TRAINING needs a pinas built with pinas::train "
      "(PINAS_NAS_TRAINING=ON)");
#endif
}

void print_trial(std::ostream& log, const TrialRecord& trial, int last_rung,
                 pb::CostMetric metric) {
  // Screened candidates cost nothing and are many; the summary counts them.
  if (trial.status == TrialStatus::kOverBudget || trial.status == TrialStatus::kInvalid) return;
  // Latency experiments show the predicted seconds next to the ReLUs.
  std::string cost = fmt::format("{:>12} ReLUs", trial.relus);
  if (metric == pb::PI_LATENCY) cost += fmt::format("  {:>10.6f} s", trial.cost);
  if (trial.status == TrialStatus::kFailed) {
    log << fmt::format("trial {:>5}  failed       {}  {}\n", trial.number, cost,
                       trial.failure_reason);
  } else {
    log << fmt::format("trial {:>5}  {:<11}  {}  rung {}/{}  epochs {:>3}  val {:.4f}  ({})\n",
                       trial.number, status_name(trial.status), cost, trial.rung + 1, last_rung + 1,
                       trial.epochs, trial.val_accuracy.value_or(0.0), trial.worker);
  }
  log.flush();
}

// Under MPI with more than one rank (`session`), the weight-sharing
// supernet trains data-parallel over every rank before the trials.
void search_as_controller(const Experiment& experiment, Executor& executor, std::ostream& log,
                          bool progress_bar, const MpiSession* session = nullptr) {
  std::unique_ptr<CandidateSpace> space;
  std::unique_ptr<Strategy> strategy;
  if (is_weight_sharing(experiment.config.strategy().kind())) {
    // The supernet is trained first; its derived networks become the trials.
#ifdef PINAS_NAS_TRAINING
    std::shared_ptr<train::supernet::DataParallelGroup> group;
    if (session != nullptr && session->size() > 1)
      group = std::make_shared<MpiDataParallelGroup>(*session);
    // Every rank on this machine trains its share of the supernet at once.
    pb::ExperimentConfig config = experiment.config;
    config.mutable_training()->set_threads_per_trial(
        trainer_threads(config, session != nullptr ? session->ranks_on_node() : 1));
    auto derived = run_weight_sharing_phase(config, experiment.folder, log, std::move(group));
    space = std::move(derived.space);
    strategy = std::move(derived.strategy);
#else
    throw ConfigError(
        "field strategy.kind: DARTS and ENAS need a pinas built with pinas::train");
#endif
  } else {
    space = make_candidate_space(experiment.config);
    strategy = make_strategy(experiment.config.strategy(), space->decision_space(),
                             experiment.config.seed());
  }
  auto store = TrialStore::open(store_path(experiment.folder));
  const auto& objective = experiment.config.objective();
  if (objective.cost() == pb::PI_LATENCY) {
    const auto& calibration = objective.pi_latency().calibration();
    log << fmt::format(
        "cost: predicted online seconds of a private inference (PI cost model, {} network, {}); "
        "budget [{:.6f}, {:.6f}] s\n",
        objective.pi_latency().network(),
        calibration.source().empty() ? std::string("calibration") : calibration.source(),
        min_cost(experiment.config), max_cost(experiment.config));
  }
  SearchController controller(experiment.config, experiment.folder, store, *space, *strategy,
                              executor);
  controller.create_trial_folders(experiment.config.objective().source() == pb::TRAINING);
  int last_rung =
      static_cast<int>(SuccessiveHalving(experiment.config.fidelity().min_epochs(),
                                         experiment.config.fidelity().max_epochs(),
                                         experiment.config.fidelity().reduction_factor())
                           .last_rung());
  const pb::CostMetric metric = experiment.config.objective().cost();
  // A bar on a terminal (stderr), plain progress lines in the log otherwise.
  SearchProgress progress(experiment.config, progress_bar ? std::cerr : log, progress_bar);
  for (const TrialRecord& trial : controller.trials()) progress.record(trial);
  controller.on_trial_update([&](const TrialRecord& trial) {
    progress.clear();
    print_trial(log, trial, last_rung, metric);
    progress.update(trial);
  });
  controller.run();
  progress.finish(controller.trials());
  ExperimentResults results{experiment.folder, experiment.config, controller.trials(), {}};
  auto front = pareto_trials(results);
  int screened = 0;
  for (const TrialRecord& trial : results.trials) screened += !was_trained(trial.status);
  log << fmt::format(
      "\nPareto front ({} of {} complete trials; {} candidates looked at, {} screened out before "
      "training by their {} or as invalid):\n",
      front.size(), ranked_trials(results).size(), results.trials.size(), screened,
      metric == pb::PI_LATENCY ? "predicted private-inference latency" : "exact ReLU count");
  log << trial_table(front, metric);
  log.flush();
  if (experiment.config.has_reduction()) {
    run_reduction_step(results, log);
    log << "\nreduced networks:\n" << reduced_table(load_results(experiment.folder).reduced);
    log.flush();
  }
}

// One rank of an MPI search: rank 0 controls, the others train. Throws
// ClusterError when the ranks are left out of step.
void run_mpi_rank(MpiSession& session, const SearchRequest& request, std::ostream& log) {
  if (session.rank() == 0) {
    Experiment experiment;
    std::string message;
    try {
      experiment = prepare(request);
      message = nlohmann::json{{"config", to_text(experiment.config)},
                               {"folder", experiment.folder.string()}}
                    .dump();
    } catch (...) {
      session.broadcast("");  // workers see an empty message and leave
      throw;
    }
    session.broadcast(message);
    if (session.size() == 1) {
      auto space = make_candidate_space(experiment.config);
      auto evaluator = make_evaluator(experiment.config, *space, experiment.config.parallelism());
      BatchExecutor executor(*evaluator, experiment.config.parallelism());
      search_as_controller(experiment, executor, log, request.progress_bar);
      return;
    }
    log << fmt::format("pinas search: {} in {} (MPI, {} worker ranks)\n", experiment.config.name(),
                       experiment.folder.string(), session.size() - 1);
    MpiExecutor executor(session);
    try {
      search_as_controller(experiment, executor, log, request.progress_bar, &session);
    } catch (const std::exception& error) {
      // Workers may be mid-job and never hear from rank 0 again: the CLI
      // prints this and ends the job.
      throw ClusterError(error.what());
    }
    executor.stop_workers();
    return;
  }

  std::string message = session.broadcast("");
  if (message.empty()) return;  // rank 0 refused the request and reports why
  try {
    auto value = nlohmann::json::parse(message);
    auto config =
        parse_experiment_config(value.at("config").get<std::string>(), "config from rank 0");
    // The ranks on this machine share its cores, in the supernet and after it.
    config.mutable_training()->set_threads_per_trial(
        trainer_threads(config, session.ranks_on_node()));
#ifdef PINAS_NAS_TRAINING
    // The weight-sharing supernet first, data-parallel with every rank.
    if (is_weight_sharing(config.strategy().kind()))
      run_weight_sharing_worker(config, value.at("folder").get<std::string>(),
                                std::make_shared<MpiDataParallelGroup>(session));
#endif
    auto space = make_candidate_space(config);
    // One candidate per worker rank; on a GPU node the trainer picks the device.
    auto evaluator = make_evaluator(config, *space, 1, config.training().threads_per_trial());
    run_worker(*evaluator);
  } catch (const ClusterError&) {
    throw;
  } catch (const std::exception& error) {
    // Rank 0 counts on this rank for jobs: the job must end.
    throw ClusterError(fmt::format("rank {}: {}", session.rank(), error.what()));
  }
}

}  // namespace

void run_search(const SearchRequest& request, std::ostream& log) {
  if (!launched_under_mpi()) {
    Experiment experiment = prepare(request);
    auto space = make_candidate_space(experiment.config);
    auto evaluator = make_evaluator(experiment.config, *space, experiment.config.parallelism());
    BatchExecutor executor(*evaluator, experiment.config.parallelism());
    log << fmt::format("pinas search: {} in {} (embedded, {} at once)\n", experiment.config.name(),
                       experiment.folder.string(), experiment.config.parallelism());
    search_as_controller(experiment, executor, log, request.progress_bar);
    return;
  }

  MpiSession session;
  try {
    run_mpi_rank(session, request, log);
  } catch (const ClusterError& error) {
    if (error.other_ranks_stranded()) session.abandon();
    throw;
  }
}

}  // namespace pinas::nas
