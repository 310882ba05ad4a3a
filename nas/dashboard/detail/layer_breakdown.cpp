#include "nas/dashboard/detail/layer_breakdown.h"

#include <memory>

#include "cost_models/pi_cost_model.h"
#include "cost_models/relu_count_cost_model.h"
#include "proto/error.h"
#include "proto/genotype.pb.h"
#include "search_spaces/node.h"
#include "search_spaces/search_space.h"

namespace pinas::nas::detail {

nlohmann::json layer_breakdown(const pb::ExperimentConfig& config,
                               const std::string& genotype_proto) {
  if (genotype_proto.empty())
    return {{"unavailable", "this trial has no network (the synthetic space has no layers)"}};
  pb::Genotype genotype;
  if (!genotype.ParseFromString(genotype_proto))
    return {{"unavailable", "the stored genotype does not parse"}};
  try {
    std::unique_ptr<cost::CostModel> model;
    if (config.objective().cost() == pb::PI_LATENCY)
      model = std::make_unique<cost::PiCostModel>(config.objective().pi_latency().calibration());
    else
      model = std::make_unique<cost::ReluCountCostModel>();
    const cost::CostEstimate estimate = model->estimate(spaces::build_genotype(genotype));
    nlohmann::json layers = nlohmann::json::array();
    for (const cost::LayerEstimate& layer : estimate.layers) {
      const cost::LayerFeatures& features = layer.features;
      layers.push_back({{"name", features.name},
                        {"op", spaces::op_name(features.op)},
                        {"relus", features.relus},
                        {"truncations", features.truncations},
                        {"comparisons", features.comparisons},
                        {"polynomial_elements", features.polynomial_elements},
                        {"linear_macs", features.linear_macs},
                        {"offline_bytes", layer.offline_bytes},
                        {"online_bytes", layer.online_bytes},
                        {"offline_s", layer.offline_seconds},
                        {"online_s", layer.online_seconds}});
    }
    return {{"model", model->name()},
            {"unit", model->unit()},
            {"layers", layers},
            {"totals",
             {{"relus", estimate.totals.relus},
              {"truncations", estimate.totals.truncations},
              {"linear_macs", estimate.totals.linear_macs},
              {"offline_bytes", estimate.offline_bytes},
              {"online_bytes", estimate.online_bytes},
              {"offline_s", estimate.offline_seconds},
              {"online_s", estimate.online_seconds},
              {"online_rounds", estimate.online_rounds},
              {"cost", estimate.cost}}}};
  } catch (const Error& error) {
    return {{"unavailable", std::string("the network cannot be built: ") + error.what()}};
  }
}

}  // namespace pinas::nas::detail
