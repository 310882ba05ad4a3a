#pragma once

#include "nas/evaluation/evaluator.h"
#include "proto/experiment.pb.h"

namespace pinas::nas {

// Trains candidates with the train/ module's ParallelTrainer (up to
// `concurrent` at once, on `cores` cores; one per GPU where GPUs exist).
// Each job trains in its trial folder, which keeps the checkpoint that the
// next successive-halving rung resumes from; the last rung writes
// model.pb (search_spaces/model_file.h) there for `pinas export-best`.
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
