#include "train/learning_rate_schedule.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "proto/error.h"

namespace pinas::train {

LearningRateSchedule::LearningRateSchedule(double peak, double final_rate, int64_t warmup_steps,
                                           int64_t total_steps)
    : peak_(peak), final_(final_rate), warmup_steps_(warmup_steps), total_steps_(total_steps) {
  if (total_steps < 1 || warmup_steps < 0 || warmup_steps > total_steps) {
    throw Error("learning rate schedule: need 0 <= warmup steps (" + std::to_string(warmup_steps) +
                ") <= total steps (" + std::to_string(total_steps) + ") and total >= 1");
  }
}

double LearningRateSchedule::at(int64_t step) const {
  if (step < warmup_steps_) {
    return peak_ * static_cast<double>(step + 1) / static_cast<double>(warmup_steps_);
  }
  const int64_t decay_steps = total_steps_ - warmup_steps_;
  if (decay_steps <= 0) return peak_;
  const double t = std::clamp(static_cast<double>(step - warmup_steps_) / static_cast<double>(decay_steps),
                              0.0, 1.0);
  return final_ + (peak_ - final_) * 0.5 * (1.0 + std::cos(std::numbers::pi * t));
}

}  // namespace pinas::train
