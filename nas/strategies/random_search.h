#pragma once

#include <random>

#include "nas/strategies/strategy.h"

namespace pinas::nas {

// Uniform random search: every decision drawn independently. Ignores tells.
class RandomSearch : public Strategy {
 public:
  RandomSearch(DecisionSpace space, std::uint64_t seed);
  Decisions ask() override;
  void tell(const Observation& observation) override;
  std::string save_state() const override;
  void load_state(const std::string& bytes) override;

 private:
  DecisionSpace space_;
  std::mt19937_64 generator_;
};

}  // namespace pinas::nas
