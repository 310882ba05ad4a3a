#include "crypto/pi/detail/network_compiler.h"

// Activations: ReLU (exact or Circa, with masks) and polynomials.

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>

#include "crypto/pi/detail/ring.h"
#include "crypto/pi/pi_error.h"
#include "search_spaces/fixed_point_rules.h"

namespace pinas::pi {

using spaces::NodeId;
using spaces::OpType;
using spaces::Shape;

void NetworkCompiler::compile_relu(NodeId id) {
  const auto& node = architecture_.node(id);
  std::uint32_t input = input_of(id, 0);
  TensorInfo info = network_.tensors_.at(input);
  GarbledStep step;
  step.circa = config_.relu_mode == ReluMode::kCirca;
  if (info.scale < config_.fractional_bits) {
    throw CompileError(fmt::format("node '{}': input scale {} below f", node.name, info.scale));
  }
  // The mask: the IR's, or (older model files) a "mask" tensor.
  if (!node.relu_mask.empty()) {
    step.mask = node.relu_mask;
  } else if (find_tensor(node.name, "mask")) {
    for (double value : tensor_values(node.name, "mask",
                                      {info.shape.channels, info.shape.height, info.shape.width})) {
      if (value != 0.0 && value != 1.0) {
        throw CompileError(fmt::format("node '{}': mask values must be 0 or 1", node.name));
      }
      step.mask.push_back(value == 1.0 ? 1 : 0);
    }
  }
  const bool all_ones =
      std::all_of(step.mask.begin(), step.mask.end(), [](std::uint8_t bit) { return bit == 1; });
  const bool all_zeros =
      !step.mask.empty() &&
      std::all_of(step.mask.begin(), step.mask.end(), [](std::uint8_t bit) { return bit == 0; });
  if (all_ones) step.mask.clear();
  const bool mixed = !node.replacement.empty() && !step.mask.empty();
  if (mixed) {
    // Replaced elements compute a polynomial at scale 2s + f; ReLU elements are
    // lifted to it. A tensor whose 2s + f would pass the limit is truncated first.
    const auto rules = rules_of(config_);
    const int scale = static_cast<int>(info.scale);
    if (rules.must_truncate(scale, rules.polynomial_growth(scale))) {
      input = truncated(node.name, input);
      info = network_.tensors_.at(input);
    }
    detail::Ring ring(config_.ring_bits);
    for (std::int64_t c = 0; c < info.shape.channels; ++c) {
      step.c0.push_back(ring.encode(node.replacement_coefficient(c, 0), config_.fractional_bits));
      step.c1.push_back(ring.encode(node.replacement_coefficient(c, 1), config_.fractional_bits));
      step.c2.push_back(ring.encode(node.replacement_coefficient(c, 2), config_.fractional_bits));
      step.quadratic.push_back(node.replacement_coefficient(c, 2) != 0.0 ? 1 : 0);
    }
    step.input_scale = info.scale;
    step.plane = info.shape.height * info.shape.width;
    // Exact ReLUs truncate to f for free in their circuit; Circa keeps scale s.
    step.shift = static_cast<std::uint32_t>(rules.relu_shift(static_cast<int>(info.scale)));
    const std::uint32_t output_scale =
        info.scale +
        static_cast<std::uint32_t>(rules.polynomial_growth(static_cast<int>(info.scale)));
    step.lift = output_scale - (info.scale - step.shift);
    std::uint32_t output = new_tensor(info.shape, output_scale);
    add_step(node.name, {input}, output, std::move(step));
    node_tensor_[id] = output;
    return;
  }
  // The exact ReLU circuit truncates for free. Circa's product x·sign(x)
  // keeps x's scale, and truncating it would take a second circuit and
  // round, so its output keeps the scale; fit_scale() truncates later only
  // where the next op would pass the scale limit.
  const auto rules = rules_of(config_);
  step.shift = static_cast<std::uint32_t>(rules.relu_shift(static_cast<int>(info.scale)));
  const auto output_scale =
      static_cast<std::uint32_t>(rules.relu_output_scale(static_cast<int>(info.scale)));
  if (all_zeros && step.shift == 0) {
    node_tensor_[id] = input;
    return;
  }
  std::uint32_t output = new_tensor(info.shape, output_scale);
  add_step(node.name, {input}, output, std::move(step));
  node_tensor_[id] = output;
}

void NetworkCompiler::compile_polynomial(NodeId id) {
  const auto& node = architecture_.node(id);
  std::vector<double> coefficients = node.coefficients;
  if (const pb::Tensor* tensor = find_tensor(node.name, "coefficients")) {
    coefficients.assign(tensor->values().begin(), tensor->values().end());
  }
  if (coefficients.empty() || coefficients.size() > 3) {
    throw CompileError(fmt::format(
        "node '{}': polynomial activations of degree 0..2 are supported, got {} coefficients",
        node.name, coefficients.size()));
  }
  coefficients.resize(3, 0.0);
  std::uint32_t input = input_of(id, 0);
  std::uint32_t scale = network_.tensors_.at(input).scale;
  const auto rules = rules_of(config_);
  if (rules.must_truncate(static_cast<int>(scale),
                          rules.polynomial_growth(static_cast<int>(scale)))) {
    input = truncated(node.name, input);
    scale = config_.fractional_bits;
  }
  detail::Ring ring(config_.ring_bits);
  PolynomialStep step;
  step.c0 = ring.encode(coefficients[0], config_.fractional_bits);
  step.c1 = ring.encode(coefficients[1], config_.fractional_bits);
  step.c2 = ring.encode(coefficients[2], config_.fractional_bits);
  step.input_scale = scale;
  std::uint32_t output =
      new_tensor(network_.tensors_.at(input).shape, 2 * scale + config_.fractional_bits);
  add_step(node.name, {input}, output, step);
  node_tensor_[id] = output;
}

}  // namespace pinas::pi
