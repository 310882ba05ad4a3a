#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace pinas::train::detail {

// The resumable position of one (method, budget) run, saved in its checkpoint
// (CheckpointInfo::extra_state) after every epoch.
struct ReductionState {
  std::string phase = "mask";  // "mask" (relaxation), "finetune", "done"
  int epoch = 0;               // epochs completed in the phase
  int64_t step = 0;            // optimizer steps in the phase (drives schedules)
  double lambda = 0.0;         // SNL's current λ
  int64_t min_count = -1;      // SNL's running minimum of the live count (-1: none yet)
  int64_t live = -1;           // the live ReLU count after the last epoch
  double best_val = -1.0;      // AutoReP: the best validation accuracy within budget + slack
  int mask_epochs = 0;         // epochs the relaxation phase took
  // Wall seconds spent on this run before it was last saved, over every
  // invocation (a run resumed after a kill keeps counting), and when this
  // process's share began; to_json() saves their sum. Old checkpoints: 0.
  double elapsed_seconds = 0.0;
  std::chrono::steady_clock::time_point clock_start = std::chrono::steady_clock::now();

  // Returns the run's wall seconds so far: the saved ones plus this process's.
  double total_seconds() const;

  std::string to_json() const;
  // Throws pinas::Error naming `where` for a malformed document.
  static ReductionState from_json(const std::string& text, const std::string& where);
};

}  // namespace pinas::train::detail
