#include "crypto/pi/cot_linear_preprocessing.h"

#include <chrono>

#include "crypto/pi/detail/gilboa.h"
#include "crypto/pi/detail/product_plans.h"
#include "crypto/pi/pi_error.h"
#include "search_spaces/gilboa_costs.h"

namespace pinas::pi {

namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

DecompositionCost decomposition_cost(const ConvGeometry& geometry, const FixedPointConfig& config) {
  // The formula the cost model decides with too (search_spaces/gilboa_costs.h).
  const spaces::GilboaCosts costs = spaces::gilboa_costs(
      static_cast<std::uint64_t>(geometry.input.elements()),
      static_cast<std::uint64_t>(geometry.weight_count()), static_cast<std::uint64_t>(geometry.macs()),
      config.ring_bits, config.effective_weight_bits());
  return {costs.input_ots, costs.weight_ots, costs.input_bytes, costs.weight_bytes};
}

CotLinearPreprocessing::CotLinearPreprocessing(bool is_server, crypto::Channel& channel,
                                               const FixedPointConfig& config)
    : is_server_(is_server),
      channel_(channel),
      config_(config),
      sender_(std::make_unique<crypto::IknpSender>(channel)),
      receiver_(std::make_unique<crypto::IknpReceiver>(channel)) {}

CotLinearPreprocessing::~CotLinearPreprocessing() = default;

void CotLinearPreprocessing::setup() {
  if (is_server_) {
    sender_->setup();
    receiver_->setup();
  } else {
    receiver_->setup();
    sender_->setup();
  }
}

Decomposition CotLinearPreprocessing::choose(const ConvGeometry& geometry, std::uint64_t& ots) const {
  auto cost = decomposition_cost(geometry, config_);
  Decomposition side = forced_.value_or(cost.cheaper());
  ots = side == Decomposition::kInput ? cost.input_ots : cost.weight_ots;
  return side;
}

void CotLinearPreprocessing::begin_cost(const std::string& node, Decomposition side, std::int64_t macs,
                                        std::uint64_t ots) {
  channel_.flush();
  costs_.push_back({node, side, macs, ots, 0, 0, 0});
  start_sent_ = channel_.bytes_sent();
  start_received_ = channel_.bytes_received();
  start_seconds_ = now_seconds();
}

void CotLinearPreprocessing::end_cost() {
  auto& cost = costs_.back();
  cost.bytes_sent = channel_.bytes_sent() - start_sent_;
  cost.bytes_received = channel_.bytes_received() - start_received_;
  cost.seconds = now_seconds() - start_seconds_;
}

std::vector<std::uint64_t> CotLinearPreprocessing::server_linear(const std::string& node,
                                                                 const LinearStep& layer) {
  if (!is_server_) throw UsageError("linear preprocessing: server_linear called by the client");
  const auto& g = layer.geometry;
  if (layer.weights.size() != static_cast<std::size_t>(g.weight_count())) {
    throw UsageError(fmt::format("node '{}': the server's network has no weights", node));
  }
  detail::Ring ring(config_.ring_bits);
  std::vector<std::uint64_t> output(static_cast<std::size_t>(g.output.elements()), 0);
  std::uint64_t ots = 0;
  if (choose(g, ots) == Decomposition::kInput) {
    begin_cost(node, Decomposition::kInput, g.macs(), ots);
    detail::InputDecompositionPlan plan(g, config_.ring_bits);
    detail::send_products(plan, *sender_, channel_, layer.weights, output, ring);
  } else {
    begin_cost(node, Decomposition::kWeight, g.macs(), ots);
    detail::WeightDecompositionPlan plan(g, config_.effective_weight_bits());
    auto choices = plan.choices(layer.weights);
    detail::receive_products(plan, *receiver_, channel_, choices, output, ring);
  }
  end_cost();
  return output;
}

std::vector<std::uint64_t> CotLinearPreprocessing::client_linear(const std::string& node,
                                                                 const ConvGeometry& g,
                                                                 std::span<const std::uint64_t> input) {
  if (is_server_) throw UsageError("linear preprocessing: client_linear called by the server");
  if (input.size() != static_cast<std::size_t>(g.input.elements())) {
    throw UsageError(fmt::format("node '{}': {} input shares for {} inputs", node, input.size(),
                                 g.input.elements()));
  }
  detail::Ring ring(config_.ring_bits);
  std::vector<std::uint64_t> output(static_cast<std::size_t>(g.output.elements()), 0);
  std::uint64_t ots = 0;
  if (choose(g, ots) == Decomposition::kInput) {
    begin_cost(node, Decomposition::kInput, g.macs(), ots);
    detail::InputDecompositionPlan plan(g, config_.ring_bits);
    auto choices = detail::value_bits({input.begin(), input.end()}, config_.ring_bits);
    detail::receive_products(plan, *receiver_, channel_, choices, output, ring);
  } else {
    begin_cost(node, Decomposition::kWeight, g.macs(), ots);
    detail::WeightDecompositionPlan plan(g, config_.effective_weight_bits());
    detail::send_products(plan, *sender_, channel_, input, output, ring);
  }
  end_cost();
  return output;
}

std::vector<std::uint64_t> CotLinearPreprocessing::server_elementwise(const std::string& node,
                                                                      std::span<const std::uint64_t> a) {
  if (!is_server_) throw UsageError("linear preprocessing: server_elementwise called by the client");
  detail::Ring ring(config_.ring_bits);
  detail::ElementwisePlan plan(a.size(), config_.ring_bits);
  begin_cost(node, Decomposition::kInput, static_cast<std::int64_t>(a.size()), plan.ot_count());
  std::vector<std::uint64_t> output(a.size(), 0);
  detail::send_products(plan, *sender_, channel_, a, output, ring);
  end_cost();
  return output;
}

std::vector<std::uint64_t> CotLinearPreprocessing::client_elementwise(const std::string& node,
                                                                      std::span<const std::uint64_t> b) {
  if (is_server_) throw UsageError("linear preprocessing: client_elementwise called by the server");
  detail::Ring ring(config_.ring_bits);
  detail::ElementwisePlan plan(b.size(), config_.ring_bits);
  begin_cost(node, Decomposition::kInput, static_cast<std::int64_t>(b.size()), plan.ot_count());
  std::vector<std::uint64_t> output(b.size(), 0);
  auto choices = detail::value_bits({b.begin(), b.end()}, config_.ring_bits);
  detail::receive_products(plan, *receiver_, channel_, choices, output, ring);
  end_cost();
  return output;
}

}  // namespace pinas::pi
