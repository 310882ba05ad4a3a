#pragma once

#include <deque>
#include <filesystem>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "nas/controller/candidate_cost.h"
#include "nas/controller/successive_halving.h"
#include "nas/evaluation/evaluator.h"
#include "nas/spaces/candidate_space.h"
#include "nas/store/trial_store.h"
#include "nas/strategies/strategy.h"
#include "proto/experiment.pb.h"

namespace pinas::nas {

// The search loop: asks the strategy for candidates, screens each by its cost
// (exact ReLUs, or the PI cost model's predicted latency; CandidateCost) before
// any training (an over-budget candidate is recorded and costs nothing), never
// trains a genotype twice, runs jobs through the executor with successive
// halving over epochs, and tells the strategy each result.
//
// Every step is one store transaction that also holds the strategy's state,
// so the process may be killed at any moment: a new controller on the same
// store resumes (re-queues unfinished jobs in their original order, keeps
// numbering) and, for a deterministic evaluator, reaches the same trials as
// an uninterrupted run. Not thread-safe.
class SearchController {
 public:
  // `folder` is the experiment folder (trial folders go under folder/trials).
  // The strategy is restored from the store if it holds a state.
  SearchController(const pb::ExperimentConfig& config, std::filesystem::path folder,
                   TrialStore& store, const CandidateSpace& space, Strategy& strategy,
                   Executor& executor);

  // Called with each trial whose job has just been recorded.
  void on_trial_update(std::function<void(const TrialRecord&)> callback) {
    on_update_ = std::move(callback);
  }
  // Make a folder per trained trial (for checkpoints and models).
  void create_trial_folders(bool create) { create_folders_ = create; }

  // Runs until `max_trials` candidates were trained and no promotion is
  // left (or the space is exhausted). Throws StoreError on a store failure.
  void run();

  const std::vector<TrialRecord>& trials() const { return trials_; }

 private:
  void restore();
  std::optional<TrainingJob> next_job();
  std::optional<TrainingJob> new_trial_job();
  TrainingJob job_for(TrialRecord& trial);
  void record(const std::vector<JobOutcome>& outcomes);
  void insert_screened(const Decisions& decisions, const Candidate& candidate, double cost,
                       TrialStatus status, const std::string& reason);
  void finish();

  pb::ExperimentConfig config_;
  std::filesystem::path folder_;
  TrialStore& store_;
  const CandidateSpace& space_;
  Strategy& strategy_;
  Executor& executor_;
  CandidateCost candidate_cost_;
  SuccessiveHalving halving_;
  std::vector<TrialRecord> trials_;  // index = trial number
  std::unordered_map<std::string, std::int64_t> by_key_;
  std::deque<std::int64_t> requeued_;
  std::int64_t next_sequence_ = 0;
  int trained_ = 0;
  bool exhausted_ = false;
  bool create_folders_ = false;
  std::function<void(const TrialRecord&)> on_update_;
};

}  // namespace pinas::nas
