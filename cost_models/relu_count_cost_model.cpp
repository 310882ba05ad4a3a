#include "cost_models/relu_count_cost_model.h"

#include "search_spaces/cost_report.h"

namespace pinas::cost {

CostEstimate ReluCountCostModel::estimate(const spaces::Architecture& architecture) const {
  const spaces::CostReport report = spaces::analyze(architecture);
  CostEstimate estimate;
  for (LayerFeatures& features : extract_features(architecture, report, ProtocolParameters{})) {
    if (features.is_free()) continue;
    estimate.layers.push_back(LayerEstimate{std::move(features)});
  }
  std::vector<LayerFeatures> all;
  for (const LayerEstimate& layer : estimate.layers) all.push_back(layer.features);
  estimate.totals = sum_features(all);
  estimate.cost = static_cast<double>(report.relus);
  return estimate;
}

double ReluCountCostModel::cost(const spaces::Architecture& architecture) const {
  return static_cast<double>(spaces::analyze(architecture).relus);
}

}  // namespace pinas::cost
