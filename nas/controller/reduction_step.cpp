#include "nas/controller/reduction_step.h"

#include <fmt/format.h>

#ifdef PINAS_NAS_TRAINING
#include <thread>

#include "train/reduction/reduction_runner.h"
#endif

namespace pinas::nas {

void run_reduction_step(const ExperimentResults& results, std::ostream& log) {
  const auto& config = results.config;
  if (!config.has_reduction()) return;
#ifndef PINAS_NAS_TRAINING
  throw Error("field reduction: the reduction step needs a pinas built with pinas::train");
#else
  const auto& step = config.reduction();
  const int candidates = step.candidates() > 0 ? step.candidates() : 1;
  int done = 0;
  for (const TrialRecord& trial : ranked_trials(results)) {
    if (done == candidates) break;
    if (trial.model_path.empty()) continue;
    ++done;
    train::ReductionJob job;
    job.model = results.folder / trial.model_path;
    job.method = train::parse_reduction_method(step.method());
    for (auto budget : step.budgets()) {
      if (budget < trial.relus) job.budgets.push_back(budget);
    }
    if (job.budgets.empty()) {
      log << fmt::format("reduction: trial {} has {} ReLUs, at or under every budget; nothing to reduce\n",
                         trial.number, trial.relus);
      continue;
    }
    job.data_spec = config.dataset().name();
    job.train_subset = config.dataset().train_subset();
    job.test_subset = config.dataset().test_subset();
    if (config.dataset().validation_fraction() > 0) job.validation_fraction = config.dataset().validation_fraction();
    job.seed = config.seed();
    job.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    job.output_dir = results.folder / "reductions" / fmt::format("trial-{}", trial.number);
    job.resume = true;
    job.progress = false;
    if (step.epochs() > 0) {
      job.snl.max_mask_epochs = step.epochs();
      job.autorep.epochs = step.epochs();
      job.deepreduce.epochs = step.epochs();
    }
    if (step.finetune_epochs() > 0) job.snl.finetune_epochs = step.finetune_epochs();
    if (step.criticality_epochs() > 0) job.deepreduce.criticality_epochs = step.criticality_epochs();
    log << fmt::format("reduction: {} of trial {} ({} ReLUs) to {}\n", step.method(), trial.number, trial.relus,
                       fmt::join(job.budgets, ", "));
    log.flush();
    const auto reduced = train::run_reduction(job);
    for (const auto& network : reduced.networks) {
      log << fmt::format("reduction: trial {} -> {} ReLUs ({} polynomial), val {:.4f}, test {:.4f}: {}\n",
                         trial.number, network.relus, network.polynomial_elements, network.val_accuracy,
                         network.test_accuracy, network.model_file.string());
    }
  }
#endif
}

}  // namespace pinas::nas
