#pragma once

#include "nas/spaces/candidate_space.h"

namespace pinas::nas {

// A space with no network behind it: `decisions` choices of `choices`
// options. Choice c at decision i costs (c + 1) * 1000 ReLUs, so cheap and
// accurate candidates conflict and the Pareto front is not trivial. For
// tests and demos of the search machinery without training.
class SyntheticSpace : public CandidateSpace {
 public:
  SyntheticSpace(int decisions, int choices);
  const DecisionSpace& decision_space() const override { return space_; }
  Candidate realize(const Decisions& decisions) const override;

 private:
  DecisionSpace space_;
};

}  // namespace pinas::nas
