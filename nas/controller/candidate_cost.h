#pragma once

#include <memory>
#include <string>

#include "cost_models/pi_cost_model.h"
#include "nas/spaces/candidate_space.h"
#include "proto/experiment.pb.h"

namespace pinas::nas {

// The cost axis of one experiment, applied to candidates before training:
// the exact ReLU count (cost RELUS) or the calibrated PI cost model's
// predicted online seconds (cost PI_LATENCY, with the calibration and network
// the config holds), and whether that cost is within the objective's budget.
// Thread-safe (immutable after construction; the cost models are).
class CandidateCost {
 public:
  // Requires a config passed through complete_and_validate. Throws
  // ConfigError if the PI_LATENCY calibration it holds is unusable.
  explicit CandidateCost(const pb::ExperimentConfig& config);

  // The candidate's cost in the unit of objective.cost. For PI_LATENCY the
  // architecture is built from the candidate's genotype; throws
  // InvalidCandidate if that fails (or the candidate has no genotype).
  double cost(const Candidate& candidate) const;

  // True if `cost` lies in [min_cost, max_cost] of the objective.
  bool within_budget(const Candidate& candidate, double cost) const;

  // Why a candidate is over budget, for the trial's failure_reason:
  // "30720 ReLUs outside the budget [0, 22000]" or
  // "0.041234 s outside the budget [0.000000, 0.030000] s".
  std::string over_budget_reason(const Candidate& candidate, double cost) const;

 private:
  pb::CostMetric metric_;
  double low_;
  double high_;
  std::unique_ptr<cost::PiCostModel> latency_model_;  // PI_LATENCY only
};

}  // namespace pinas::nas
