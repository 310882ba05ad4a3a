#pragma once

#include <memory>

#include "nas/spaces/candidate_space.h"
#include "nas/spaces/genotype_encoding.h"
#include "search_spaces/search_space.h"

namespace pinas::nas {

// A search_spaces space for a given input shape and class count: decisions
// become a genotype (GenotypeEncoding), the space checks it, and its fast
// counting path gives the exact ReLUs, MACs and parameters.
class NetworkCandidateSpace : public CandidateSpace {
 public:
  NetworkCandidateSpace(std::unique_ptr<spaces::SearchSpace> space, spaces::Shape input, std::int64_t num_classes);
  const DecisionSpace& decision_space() const override { return encoding_->decision_space(); }
  Candidate realize(const Decisions& decisions) const override;
  const spaces::SearchSpace& space() const { return *space_; }

 private:
  std::unique_ptr<spaces::SearchSpace> space_;
  std::unique_ptr<GenotypeEncoding> encoding_;
  spaces::Shape input_;
  std::int64_t num_classes_;
};

}  // namespace pinas::nas
