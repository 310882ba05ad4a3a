#include "nas/evaluation/synthetic_evaluator.h"

#include <tbb/parallel_for.h>

#include <chrono>
#include <thread>

namespace pinas::nas {

SyntheticEvaluator::SyntheticEvaluator(const DecisionSpace& space, std::uint64_t seed, double epoch_seconds)
    : objective_(space, seed), epoch_seconds_(epoch_seconds) {}

JobOutcome SyntheticEvaluator::evaluate_one(const TrainingJob& job) const {
  JobOutcome outcome;
  outcome.trial = job.trial;
  for (int epoch = job.start_epoch + 1; epoch <= job.end_epoch; ++epoch) {
    if (epoch_seconds_ > 0) std::this_thread::sleep_for(std::chrono::duration<double>(epoch_seconds_));
    double accuracy = objective_.validation_accuracy(job.decisions, epoch);
    outcome.epochs.push_back({epoch, 1.0 - accuracy, accuracy, accuracy, epoch_seconds_});
  }
  outcome.seconds = epoch_seconds_ * (job.end_epoch - job.start_epoch);
  outcome.test_accuracy = objective_.test_accuracy(job.decisions, job.end_epoch);
  outcome.ok = true;
  return outcome;
}

std::vector<JobOutcome> SyntheticEvaluator::evaluate(const std::vector<TrainingJob>& jobs) {
  std::vector<JobOutcome> outcomes(jobs.size());
  tbb::parallel_for(std::size_t{0}, jobs.size(), [&](std::size_t i) { outcomes[i] = evaluate_one(jobs[i]); });
  return outcomes;
}

}  // namespace pinas::nas
