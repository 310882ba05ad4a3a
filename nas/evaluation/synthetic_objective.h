#pragma once

#include <cstdint>

#include "nas/strategies/strategy.h"

namespace pinas::nas {

// A deterministic stand-in for training with a known optimum. A hidden
// target (one choice per decision, drawn from `seed`) defines
//   accuracy(d) = 0.1 + 0.8 * (decisions equal to the target) / n,
// and after e epochs the validation accuracy is accuracy(d) * (1 - 0.5^e)
// (a learning curve that keeps rank order, as successive halving expects);
// test accuracy is the final validation accuracy minus 0.01.
// Thread-safe (const).
class SyntheticObjective {
 public:
  SyntheticObjective(const DecisionSpace& space, std::uint64_t seed);
  double accuracy(const Decisions& decisions) const;
  double validation_accuracy(const Decisions& decisions, int epoch) const;
  double test_accuracy(const Decisions& decisions, int epoch) const;
  const Decisions& optimum() const { return target_; }

 private:
  Decisions target_;
};

}  // namespace pinas::nas
