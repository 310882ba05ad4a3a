#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "nas/spaces/candidate_space.h"
#include "nas/strategies/strategy.h"
#include "proto/genotype.pb.h"
#include "search_spaces/search_space.h"

namespace pinas::nas {

// The networks a weight-sharing search derived, as a candidate space of one
// decision: decision value i is genotypes[i]. It lets the ordinary search
// controller screen, train, store and report them like any other trials.
// Thread-safety: const methods may run concurrently.
class DerivedCandidateSpace : public CandidateSpace {
 public:
  // Requires at least one genotype, each a member of `space` (checked when
  // realized). Genotypes get `input` and `num_classes` set.
  DerivedCandidateSpace(std::unique_ptr<spaces::SearchSpace> space,
                        std::vector<pb::Genotype> genotypes, spaces::Shape input,
                        std::int64_t num_classes);
  const DecisionSpace& decision_space() const override { return decision_space_; }
  // Throws InvalidCandidate for a decision out of range or a genotype the
  // space refuses.
  Candidate realize(const Decisions& decisions) const override;

 private:
  std::unique_ptr<spaces::SearchSpace> space_;
  std::vector<pb::Genotype> genotypes_;
  spaces::Shape input_;
  std::int64_t num_classes_;
  DecisionSpace decision_space_;
};

// Proposes the derived networks in order (0, 1, ..., then around again, which
// the controller sees as duplicates), ignoring results. State: the position.
// Not thread-safe.
class DerivedGenotypeStrategy : public Strategy {
 public:
  explicit DerivedGenotypeStrategy(int count);
  Decisions ask() override;
  void tell(const Observation&) override {}
  std::string save_state() const override;
  void load_state(const std::string& bytes) override;

 private:
  int count_;
  std::int64_t next_ = 0;
};

}  // namespace pinas::nas
