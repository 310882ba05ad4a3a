#pragma once

#include <cstdint>

namespace pinas::train {

// Cosine decay with a linear warmup, evaluated per optimizer step:
//   step < warmup:  peak * (step + 1) / warmup
//   otherwise:      final + (peak - final) * (1 + cos(pi * t)) / 2,
//                   t = (step - warmup) / (total - warmup), clamped to [0, 1].
// A pure function of the step, so a resumed run needs no schedule state.
class LearningRateSchedule {
 public:
  // Requires total_steps >= 1, 0 <= warmup_steps <= total_steps. Throws
  // pinas::Error otherwise.
  LearningRateSchedule(double peak, double final_rate, int64_t warmup_steps, int64_t total_steps);

  // The learning rate for optimizer step `step` (0-based). Thread-safe.
  double at(int64_t step) const;

 private:
  double peak_;
  double final_;
  int64_t warmup_steps_;
  int64_t total_steps_;
};

}  // namespace pinas::train
