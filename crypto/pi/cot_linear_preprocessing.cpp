#include "crypto/pi/cot_linear_preprocessing.h"

#include <chrono>

#include "crypto/pi/detail/gilboa.h"
#include "crypto/pi/detail/product_plans.h"
#include "crypto/pi/pi_error.h"

namespace pinas::pi {

namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

DecompositionCost decomposition_cost(const ConvGeometry& geometry, const FixedPointConfig& config) {
  const std::uint64_t ring = config.ring_bits;
  const std::uint64_t weight_bits = config.effective_weight_bits();
  const std::uint64_t macs = static_cast<std::uint64_t>(geometry.macs());
  DecompositionCost cost;
  cost.input_ots = static_cast<std::uint64_t>(geometry.input.elements()) * ring;
  cost.weight_ots = static_cast<std::uint64_t>(geometry.weight_count()) * weight_bits;
  const std::uint64_t input_bits_per_use = ring * (ring + 1) / 2;
  const std::uint64_t weight_bits_per_use = weight_bits * ring - weight_bits * (weight_bits - 1) / 2;
  cost.input_bytes = 16 * cost.input_ots + macs * input_bits_per_use / 8;
  cost.weight_bytes = 16 * cost.weight_ots + macs * weight_bits_per_use / 8;
  return cost;
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
