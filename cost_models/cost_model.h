#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cost_models/layer_features.h"
#include "search_spaces/architecture.h"

namespace pinas::cost {

// The predicted private-inference cost of one layer or a whole network.
// Seconds are compute plus, for the totals, network transfer and latency.
struct LayerEstimate {
  LayerFeatures features;
  double offline_bytes = 0;
  double online_bytes = 0;
  double offline_seconds = 0;
  double online_seconds = 0;
};

struct CostEstimate {
  std::vector<LayerEstimate> layers;  // in topological order; free nodes omitted
  LayerFeatures totals;
  double offline_bytes = 0;
  double online_bytes = 0;
  double offline_seconds = 0;      // compute + transfer
  double online_seconds = 0;       // compute + transfer + rounds * round trip
  std::int64_t online_rounds = 0;  // round trips online (PI model: as the runtime counts them)
  // The scalar a search minimizes or budgets: what the model calls "cost"
  // (ReLUs for the ReLU-count model, online seconds for the PI model).
  double cost = 0;
};

// A cost model answers, per candidate architecture, what it costs to
// evaluate privately. The search screens candidates with `cost()` before any
// training, so implementations must be cheap (microseconds per candidate)
// and thread-safe for concurrent calls.
class CostModel {
 public:
  virtual ~CostModel() = default;

  // "relu-count" or "pi-latency".
  virtual std::string name() const = 0;

  // The unit of cost(): "ReLUs" or "s".
  virtual std::string unit() const = 0;

  // The full per-layer estimate. Throws spaces::GraphError for an invalid
  // architecture.
  virtual CostEstimate estimate(const spaces::Architecture& architecture) const = 0;

  // The scalar cost only; by default estimate(architecture).cost.
  virtual double cost(const spaces::Architecture& architecture) const;
};

}  // namespace pinas::cost
