#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pinas::nas {

// Where a trial stands. Stored as its lower-case name (see status_name).
enum class TrialStatus {
  kRunning,     // queued or training (re-queued on resume)
  kPaused,      // finished a rung of successive halving; waits for promotion
  kComplete,    // trained to the last rung
  kStopped,     // left at a lower rung by successive halving when the search ended
  kFailed,      // training threw; failure_reason says why
  kOverBudget,  // screened by exact cost before training: never trained
  kInvalid,     // the candidate could not be built; failure_reason says why
};

// "running", "paused", ... Thread-safe.
const char* status_name(TrialStatus status);
// Inverse of status_name; throws Error for an unknown name.
TrialStatus parse_status(const std::string& name);
// True for statuses no further work will change.
bool is_final(TrialStatus status);
// True for trials that cost training (everything but over_budget and invalid).
bool was_trained(TrialStatus status);

// One row of the `trials` table (schema in nas/store/schema.sql).
struct TrialRecord {
  std::int64_t number = 0;
  std::string genotype;          // canonical readable genotype: the deduplication key
  std::string genotype_proto;    // serialized pb::Genotype ("" for the synthetic space)
  std::vector<int> decisions;
  std::int64_t relus = 0;
  std::int64_t macs = 0;
  std::int64_t params = 0;
  double cost = 0;
  TrialStatus status = TrialStatus::kRunning;
  int rung = 0;                  // rung being trained (running) or last reached
  int epochs = 0;                // epochs trained so far
  std::optional<double> val_accuracy;   // at the last rung reached
  std::optional<double> test_accuracy;
  std::string failure_reason;
  std::string worker;            // "embedded" or "rank N"
  double created_at = 0;         // unix seconds
  double started_at = 0;
  double finished_at = 0;
  double train_seconds = 0;      // summed over rungs
  std::int64_t job_sequence = 0; // order in which jobs were issued (resume re-queues in this order)
  std::string model_path;        // relative to the experiment folder; "" if none
};

// One row of the `epochs` table.
struct EpochRecord {
  std::int64_t trial = 0;
  int epoch = 0;                 // 1-based
  double train_loss = 0;
  double train_accuracy = 0;
  double val_accuracy = 0;
  double seconds = 0;
};

}  // namespace pinas::nas
