#include "nas/evaluation/training_evaluator.h"

#include <cmath>

#include "search_spaces/search_space.h"
#include "train/model_export.h"
#include "train/parallel_trainer.h"

namespace pinas::nas {

train::TrainingJob trial_training_job(const pb::ExperimentConfig& config, const TrainingJob& job) {
  pb::Genotype genotype;
  if (!genotype.ParseFromString(job.genotype_proto))
    throw Error("trial " + std::to_string(job.trial) + ": the stored genotype is unparsable");
  train::TrainingJob run;
  run.name = "trial " + std::to_string(job.trial);
  run.architecture = spaces::build_genotype(genotype).to_proto();
  run.data_spec = config.dataset().name();
  run.train_subset = config.fidelity().train_subset() > 0 ? config.fidelity().train_subset()
                                                          : config.dataset().train_subset();
  run.test_subset = config.dataset().test_subset();
  run.validation_fraction = config.dataset().validation_fraction();
  // The schedule spans the longest rung, so a promoted trial simply trains on.
  run.epochs = job.end_epoch;
  run.hyperparameters.batch_size = config.training().batch_size();
  run.hyperparameters.learning_rate = config.training().learning_rate();
  run.hyperparameters.weight_decay = config.training().weight_decay();
  run.seed = job.seed;
  run.output_dir = job.trial_folder;
  run.resume = job.start_epoch > 0;
  run.evaluate_test = job.final_rung;
  return run;
}

TrainingEvaluator::TrainingEvaluator(const pb::ExperimentConfig& config, int concurrent, int cores)
    : config_(config), concurrent_(concurrent), cores_(cores) {}

std::vector<JobOutcome> TrainingEvaluator::evaluate(const std::vector<TrainingJob>& jobs) {
  std::vector<JobOutcome> outcomes(jobs.size());
  std::vector<train::TrainingJob> training_jobs;
  std::vector<std::size_t> trained;  // indices of jobs that reached the trainer
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const TrainingJob& job = jobs[i];
    outcomes[i].trial = job.trial;
    try {
      training_jobs.push_back(trial_training_job(config_, job));
      trained.push_back(i);
    } catch (const std::exception& error) {
      outcomes[i].ok = false;
      outcomes[i].failure_reason = error.what();
    }
  }
  train::ParallelTrainerOptions options;
  options.cores = cores_;
  options.concurrent = concurrent_;
  train::ParallelTrainer trainer(options);
  auto results = trainer.train(training_jobs);
  for (std::size_t k = 0; k < trained.size(); ++k) {
    const TrainingJob& job = jobs[trained[k]];
    const train::TrainingResult& result = results[k];
    JobOutcome& outcome = outcomes[trained[k]];
    outcome.seconds = result.wall_seconds;
    for (const train::EpochMetrics& metrics : result.history) {
      if (metrics.epoch <= job.start_epoch) continue;  // earlier rungs, already recorded
      outcome.epochs.push_back({metrics.epoch, metrics.train_loss, metrics.train_accuracy,
                                std::isnan(metrics.val_accuracy) ? 0.0 : metrics.val_accuracy, metrics.seconds});
    }
    if (result.status == train::TrainingStatus::Failed) {
      outcome.ok = false;
      outcome.failure_reason = result.failure_reason.empty() ? "training failed" : result.failure_reason;
      continue;
    }
    outcome.ok = true;
    if (!std::isnan(result.test_accuracy) && job.final_rung) outcome.test_accuracy = result.test_accuracy;
    if (job.final_rung) {
      try {
        auto model_path = job.trial_folder / "model.pb";
        train::export_checkpoint(job.trial_folder, model_path);
        outcome.model_path = model_path.string();
      } catch (const std::exception& error) {
        outcome.ok = false;
        outcome.failure_reason = std::string("model export failed: ") + error.what();
      }
    }
  }
  return outcomes;
}

}  // namespace pinas::nas
