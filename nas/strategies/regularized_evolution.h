#pragma once

#include <deque>
#include <random>

#include "nas/strategies/strategy.h"

namespace pinas::nas {

// Regularized (aging) evolution, Real et al. 2019: until the population holds
// `population_size` evaluated candidates, propose random ones; then pick
// `sample_size` members at random, mutate the most accurate by changing
// exactly one decision, and on each tell append the child and retire the
// oldest member. Infeasible candidates never join the population.
class RegularizedEvolution : public Strategy {
 public:
  RegularizedEvolution(DecisionSpace space, int population_size, int sample_size, std::uint64_t seed);
  Decisions ask() override;
  void tell(const Observation& observation) override;
  std::string save_state() const override;
  void load_state(const std::string& bytes) override;

 private:
  struct Member {
    Decisions decisions;
    double accuracy;
  };
  DecisionSpace space_;
  std::size_t population_size_;
  std::size_t sample_size_;
  std::mt19937_64 generator_;
  std::deque<Member> population_;
};

// Changes exactly one decision (among those with more than one option) to a
// different value. Returns the input unchanged if no decision can change.
Decisions mutate_one_decision(const Decisions& parent, const DecisionSpace& space, std::mt19937_64& generator);

}  // namespace pinas::nas
