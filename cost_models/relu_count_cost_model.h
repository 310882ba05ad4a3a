#pragma once

#include "cost_models/cost_model.h"

namespace pinas::cost {

// The cost model of CryptoNAS and Sphynx: a network costs its ReLU count.
// Bytes and seconds in the estimate are left at zero; only `cost` and the
// per-layer features are filled. Thread-safe.
class ReluCountCostModel final : public CostModel {
 public:
  std::string name() const override { return "relu-count"; }
  std::string unit() const override { return "ReLUs"; }
  CostEstimate estimate(const spaces::Architecture& architecture) const override;
  double cost(const spaces::Architecture& architecture) const override;
};

}  // namespace pinas::cost
