#include "nas/store/trial_record.h"

#include "proto/error.h"

namespace pinas::nas {

const char* status_name(TrialStatus status) {
  switch (status) {
    case TrialStatus::kRunning: return "running";
    case TrialStatus::kPaused: return "paused";
    case TrialStatus::kComplete: return "complete";
    case TrialStatus::kStopped: return "stopped";
    case TrialStatus::kFailed: return "failed";
    case TrialStatus::kOverBudget: return "over_budget";
    case TrialStatus::kInvalid: return "invalid";
  }
  return "unknown";
}

TrialStatus parse_status(const std::string& name) {
  for (TrialStatus status : {TrialStatus::kRunning, TrialStatus::kPaused, TrialStatus::kComplete, TrialStatus::kStopped,
                             TrialStatus::kFailed, TrialStatus::kOverBudget, TrialStatus::kInvalid})
    if (name == status_name(status)) return status;
  throw Error("unknown trial status \"" + name + "\" in the trial store");
}

bool is_final(TrialStatus status) {
  return status != TrialStatus::kRunning && status != TrialStatus::kPaused;
}

bool was_trained(TrialStatus status) {
  return status != TrialStatus::kOverBudget && status != TrialStatus::kInvalid;
}

}  // namespace pinas::nas
