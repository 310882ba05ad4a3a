#include "nas/controller/candidate_cost.h"

#include <fmt/format.h>

#include "nas/config/experiment_config.h"
#include "proto/genotype.pb.h"
#include "search_spaces/search_space.h"

namespace pinas::nas {

CandidateCost::CandidateCost(const pb::ExperimentConfig& config)
    : metric_(config.objective().cost()), low_(min_cost(config)), high_(max_cost(config)) {
  if (metric_ != pb::PI_LATENCY) return;
  try {
    latency_model_ =
        std::make_unique<cost::PiCostModel>(config.objective().pi_latency().calibration());
  } catch (const Error& error) {
    throw ConfigError(fmt::format("field objective.pi_latency.calibration: {}", error.what()));
  }
}

double CandidateCost::cost(const Candidate& candidate) const {
  if (!latency_model_) return static_cast<double>(candidate.relus);
  pb::Genotype genotype;
  if (candidate.genotype_proto.empty() || !genotype.ParseFromString(candidate.genotype_proto))
    throw InvalidCandidate(
        fmt::format("{}: no genotype to predict the private-inference latency of", candidate.key));
  try {
    return latency_model_->cost(spaces::build_genotype(genotype));
  } catch (const Error& error) {
    throw InvalidCandidate(error.what());
  }
}

bool CandidateCost::within_budget(const Candidate& candidate, double cost) const {
  // ReLU budgets compare exact integers, as before PI_LATENCY existed.
  if (!latency_model_)
    return candidate.relus <= static_cast<long long>(high_) &&
           candidate.relus >= static_cast<long long>(low_);
  return cost <= high_ && cost >= low_;
}

std::string CandidateCost::over_budget_reason(const Candidate& candidate, double cost) const {
  if (!latency_model_)
    return fmt::format("{} ReLUs outside the budget [{}, {}]", candidate.relus,
                       static_cast<long long>(low_), static_cast<long long>(high_));
  return fmt::format("{:.6f} s outside the budget [{:.6f}, {:.6f}] s", cost, low_, high_);
}

}  // namespace pinas::nas
