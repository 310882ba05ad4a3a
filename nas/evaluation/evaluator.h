#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "nas/strategies/strategy.h"

namespace pinas::nas {

// One unit of work: train trial `trial` from epoch `start_epoch` (0 = from
// scratch; otherwise continue from the checkpoint the previous rung left in
// `trial_folder`) up to `end_epoch`.
struct TrainingJob {
  std::int64_t trial = 0;
  Decisions decisions;
  std::string genotype;        // canonical key
  std::string genotype_proto;  // serialized pb::Genotype
  int start_epoch = 0;
  int end_epoch = 1;
  bool final_rung = true;      // write the trained model file when done
  std::uint64_t seed = 0;
  std::filesystem::path trial_folder;   // absolute; exists before the job runs
};

struct EpochReport {
  int epoch = 0;  // 1-based
  double train_loss = 0;
  double train_accuracy = 0;
  double val_accuracy = 0;
  double seconds = 0;
};

// What came of one job. A failed job (ok = false) names its reason; the
// search records it and goes on.
struct JobOutcome {
  std::int64_t trial = 0;
  bool ok = false;
  std::string failure_reason;
  std::vector<EpochReport> epochs;  // start_epoch + 1 .. end_epoch
  std::optional<double> test_accuracy;
  double seconds = 0;
  std::string model_path;           // absolute path of the model file, if one was written
  std::string worker = "embedded";
};

// Turns candidates into accuracies: by training, or synthetically. An
// evaluator never throws for a candidate's own failure; it returns ok = false.
class Evaluator {
 public:
  virtual ~Evaluator() = default;
  // Runs every job (possibly in parallel); outcomes in job order.
  virtual std::vector<JobOutcome> evaluate(const std::vector<TrainingJob>& jobs) = 0;
};

// Runs jobs for the controller: up to capacity() at once.
class Executor {
 public:
  virtual ~Executor() = default;
  virtual int capacity() const = 0;
  virtual int in_flight() const = 0;
  virtual void submit(TrainingJob job) = 0;
  // Blocks until at least one submitted job is done; returns every outcome
  // available. Requires in_flight() > 0.
  virtual std::vector<JobOutcome> wait() = 0;
};

// The embedded executor: collects up to `capacity` jobs and runs them as one
// batch through the evaluator (which trains them in parallel), so results
// come back in a deterministic order.
class BatchExecutor : public Executor {
 public:
  BatchExecutor(Evaluator& evaluator, int capacity) : evaluator_(evaluator), capacity_(capacity) {}
  int capacity() const override { return capacity_; }
  int in_flight() const override { return static_cast<int>(pending_.size()); }
  void submit(TrainingJob job) override { pending_.push_back(std::move(job)); }
  std::vector<JobOutcome> wait() override {
    auto outcomes = evaluator_.evaluate(pending_);
    pending_.clear();
    return outcomes;
  }

 private:
  Evaluator& evaluator_;
  int capacity_;
  std::vector<TrainingJob> pending_;
};

}  // namespace pinas::nas
