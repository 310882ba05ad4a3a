#pragma once

#include "nas/evaluation/evaluator.h"
#include "nas/evaluation/synthetic_objective.h"

namespace pinas::nas {

// Evaluates jobs with a SyntheticObjective, sleeping `epoch_seconds` per
// epoch (in parallel across a batch) to stand in for training time.
class SyntheticEvaluator : public Evaluator {
 public:
  SyntheticEvaluator(const DecisionSpace& space, std::uint64_t seed, double epoch_seconds);
  std::vector<JobOutcome> evaluate(const std::vector<TrainingJob>& jobs) override;
  JobOutcome evaluate_one(const TrainingJob& job) const;

 private:
  SyntheticObjective objective_;
  double epoch_seconds_;
};

}  // namespace pinas::nas
