#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "nas/strategies/strategy.h"
#include "proto/error.h"
#include "proto/experiment.pb.h"

namespace pinas::nas {

// A candidate the decisions describe, with its exact cost, known before any
// training.
struct Candidate {
  std::string key;             // canonical genotype string: equal iff the candidates are equal
  std::string genotype_proto;  // serialized pb::Genotype ("" for the synthetic space)
  std::int64_t relus = 0;
  std::int64_t macs = 0;
  std::int64_t params = 0;
};

// Decisions that do not make a valid member of the space. The message says why.
class InvalidCandidate : public Error {
 public:
  using Error::Error;
};

// A search space seen as a fixed sequence of categorical decisions (what the
// strategies search over), plus the map from decisions to candidates.
// Thread-safety: const methods may run concurrently.
class CandidateSpace {
 public:
  virtual ~CandidateSpace() = default;
  virtual const DecisionSpace& decision_space() const = 0;
  // The candidate for `decisions`, with its exact ReLU, MAC and parameter
  // counts. Throws InvalidCandidate if the decisions make no valid member.
  virtual Candidate realize(const Decisions& decisions) const = 0;
};

// The space named by config.space ("synthetic" or a search_spaces name), for
// the dataset's input shape. Throws ConfigError naming `space` if unknown.
std::unique_ptr<CandidateSpace> make_candidate_space(const pb::ExperimentConfig& config);

}  // namespace pinas::nas
