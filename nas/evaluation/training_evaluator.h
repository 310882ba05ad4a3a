#pragma once

#include "nas/evaluation/evaluator.h"
#include "proto/experiment.pb.h"
#include "train/training_job.h"

namespace pinas::nas {

// Trains candidates with the train/ module's ParallelTrainer (up to
// `concurrent` at once, on `cores` cores; one per GPU where GPUs exist).
// Each job trains in its trial folder, which keeps the checkpoint that the
// next successive-halving rung resumes from; the last rung writes
// model.pb (search_spaces/model_file.h) there for `pinas export-best`.
// Returns the trainer's job for stored trial `job` under `config`: the
// architecture built from its genotype, the data (fidelity.train_subset, or
// dataset.train_subset when that is 0), the schedule spanning the trial's last
// rung, its seed and folder. Throws pinas::Error when the stored genotype does
// not parse or build. Pure; thread-safe.
train::TrainingJob trial_training_job(const pb::ExperimentConfig& config, const TrainingJob& job);

class TrainingEvaluator : public Evaluator {
 public:
  TrainingEvaluator(const pb::ExperimentConfig& config, int concurrent, int cores);
  std::vector<JobOutcome> evaluate(const std::vector<TrainingJob>& jobs) override;

 private:
  pb::ExperimentConfig config_;
  int concurrent_;
  int cores_;
};

}  // namespace pinas::nas
