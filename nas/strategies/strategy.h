#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "proto/error.h"
#include "proto/experiment.pb.h"

namespace pinas::nas {

// A candidate as the strategies see it: one choice per categorical decision.
using Decisions = std::vector<int>;

// The shape of a search space as a sequence of categorical decisions:
// decision i has cardinalities[i] options (each at least 2... or 1 for a fixed one).
struct DecisionSpace {
  std::vector<int> cardinalities;
};

// What the search learned about one candidate. `feasible` is false for a
// candidate screened out before training (over budget, invalid) or whose
// training failed; its accuracy is then meaningless.
struct Observation {
  Decisions decisions;
  double accuracy = 0;
  double cost = 0;
  bool feasible = false;
};

// A strategy's saved state could not be restored (corrupt or foreign).
class StrategyStateError : public Error {
 public:
  using Error::Error;
};

// A search strategy: proposes candidates and learns from their results.
// `ask` may be called several times before the matching `tell`s (parallel
// trials), and tells may come in any order. All randomness comes from the
// strategy's own seeded generator, which is part of its saved state, so
// load_state(save_state()) followed by the same calls gives the same
// proposals. Not thread-safe.
class Strategy {
 public:
  virtual ~Strategy() = default;
  // Returns the next candidate to evaluate; every entry is < its cardinality.
  virtual Decisions ask() = 0;
  // Reports a result for a candidate returned by an earlier ask (or a
  // re-proposal of an already evaluated one).
  virtual void tell(const Observation& observation) = 0;
  // The complete state (generator included) as opaque bytes.
  virtual std::string save_state() const = 0;
  // Restores a state from save_state() of the same kind and decision space.
  // Throws StrategyStateError.
  virtual void load_state(const std::string& bytes) = 0;
};

// Builds the strategy named by `config.kind`, seeded by `seed`.
// Throws Error for an unset kind or an empty decision space.
std::unique_ptr<Strategy> make_strategy(const pb::StrategyConfig& config, const DecisionSpace& space,
                                        std::uint64_t seed);

}  // namespace pinas::nas
