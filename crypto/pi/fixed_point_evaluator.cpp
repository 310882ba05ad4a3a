#include "crypto/pi/fixed_point_evaluator.h"

#include <fmt/format.h>

#include <algorithm>
#include <random>

#include "crypto/pi/detail/ring.h"
#include "crypto/pi/detail/tensor_ops.h"
#include "crypto/pi/pi_error.h"

namespace pinas::pi {

namespace {

using Values = std::vector<std::uint64_t>;

struct ReferenceRunner {
  const FixedPointNetwork& network;
  detail::Ring ring;
  std::vector<Values>& tensors;
  std::mt19937_64* circa_random = nullptr;  // simulate Circa's sign test when set

  // The sign Circa's garbled test reports for x (true: non-negative).
  bool circa_non_negative(std::uint64_t x) {
    const std::uint32_t k = network.config().circa_dropped_bits;
    const std::uint64_t a = ring.reduce((*circa_random)());
    const std::uint64_t b = ring.subtract(x, a);
    const detail::Ring truncated(ring.bits() - k);
    const std::uint64_t sum = truncated.add(a >> k, b >> k);
    return (sum >> (ring.bits() - k - 1)) == 0;
  }

  void operator()(const Step& step, const LinearStep& op) {
    if (op.weights.size() != static_cast<std::size_t>(op.geometry.weight_count())) {
      throw UsageError(
          fmt::format("node '{}': the network has no weights (structure only)", step.node));
    }
    Values& out = tensors[step.output];
    detail::convolve(op.geometry, op.weights, tensors[step.inputs[0]], out, ring);
    detail::add_bias(op.geometry, op.bias, out, ring);
  }
  void operator()(const Step& step, const PoolStep& op) {
    detail::pool(op, network.tensors()[step.inputs[0]].shape, network.tensors()[step.output].shape,
                 tensors[step.inputs[0]], tensors[step.output], ring);
  }
  std::vector<std::span<const std::uint64_t>> inputs(const Step& step) {
    std::vector<std::span<const std::uint64_t>> spans;
    for (auto input : step.inputs) spans.emplace_back(tensors[input]);
    return spans;
  }
  void operator()(const Step& step, const AddStep& op) {
    detail::add(inputs(step), op.shifts, tensors[step.output], ring);
  }
  void operator()(const Step& step, const ConcatStep& op) {
    detail::concatenate(inputs(step), op.shifts, tensors[step.output], ring);
  }
  void operator()(const Step&, const ZeroStep&) {}
  void operator()(const Step& step, const ReshapeStep&) {
    tensors[step.output] = tensors[step.inputs[0]];
  }
  void operator()(const Step& step, const GarbledStep& op) {
    const Values& in = tensors[step.inputs[0]];
    Values& out = tensors[step.output];
    for (std::size_t i = 0; i < in.size(); ++i) {
      std::uint64_t x = in[i];
      const auto kind = detail::element_kind(op, i);
      if (kind == detail::ElementKind::kPolynomial || kind == detail::ElementKind::kAffine) {
        out[i] = detail::replaced_element(op, i, x, ring);
        continue;
      }
      if (kind == detail::ElementKind::kRelu) {
        const bool non_negative =
            (op.circa && circa_random != nullptr) ? circa_non_negative(x) : ring.to_signed(x) >= 0;
        if (!non_negative) x = 0;
      }
      out[i] = ring.reduce(ring.truncate(x, op.shift) << op.lift);
    }
  }
  void operator()(const Step& step, const MaxPoolStep& op) {
    const Values& in = tensors[step.inputs[0]];
    Values& out = tensors[step.output];
    auto windows = detail::max_pool_windows(op, network.tensors()[step.inputs[0]].shape,
                                            network.tensors()[step.output].shape);
    for (std::size_t o = 0; o < windows.size(); ++o) {
      std::int64_t best = ring.to_signed(in[windows[o].at(0)]);
      for (auto index : windows[o]) best = std::max(best, ring.to_signed(in[index]));
      out[o] = ring.truncate(ring.from_signed(best), op.shift);
    }
  }
  void operator()(const Step& step, const PolynomialStep& op) {
    const Values& in = tensors[step.inputs[0]];
    Values& out = tensors[step.output];
    const std::uint64_t c1 = ring.multiply(op.c1, std::uint64_t{1} << op.input_scale);
    const std::uint64_t c0 = ring.multiply(op.c0, std::uint64_t{1} << (2 * op.input_scale));
    for (std::size_t i = 0; i < in.size(); ++i) {
      const std::uint64_t x = in[i];
      out[i] = ring.reduce(op.c2 * x * x + c1 * x + c0);
    }
  }
};

std::vector<std::vector<std::uint64_t>> run_reference(const FixedPointNetwork& network,
                                                      std::span<const std::uint64_t> input,
                                                      std::mt19937_64* circa_random) {
  const auto& infos = network.tensors();
  if (static_cast<std::int64_t>(input.size()) != network.input_info().shape.elements()) {
    throw UsageError(fmt::format("input: {} values for an input of shape {}", input.size(),
                                 network.input_info().shape.to_string()));
  }
  std::vector<Values> tensors(infos.size());
  for (std::size_t t = 0; t < infos.size(); ++t) {
    tensors[t].assign(static_cast<std::size_t>(infos[t].shape.elements()), 0);
  }
  detail::Ring ring(network.config().ring_bits);
  for (std::size_t i = 0; i < input.size(); ++i)
    tensors[network.input_tensor()][i] = ring.reduce(input[i]);
  ReferenceRunner runner{network, ring, tensors, circa_random};
  for (const auto& step : network.steps()) {
    std::visit([&](const auto& op) { runner(step, op); }, step.op);
  }
  return tensors;
}

}  // namespace

std::vector<std::vector<std::uint64_t>> evaluate_fixed_point_tensors(
    const FixedPointNetwork& network, std::span<const std::uint64_t> input) {
  return run_reference(network, input, nullptr);
}

std::vector<std::vector<std::uint64_t>> simulate_circa_tensors(const FixedPointNetwork& network,
                                                               std::span<const std::uint64_t> input,
                                                               std::uint64_t seed) {
  std::mt19937_64 random(seed);
  return run_reference(network, input, &random);
}

std::vector<std::uint64_t> evaluate_fixed_point(const FixedPointNetwork& network,
                                                std::span<const std::uint64_t> input) {
  auto tensors = evaluate_fixed_point_tensors(network, input);
  return std::move(tensors[network.output_tensor()]);
}

std::uint64_t largest_magnitude(std::uint32_t ring_bits, std::span<const std::uint64_t> values) {
  const detail::Ring ring(ring_bits);
  std::uint64_t largest = 0;
  for (std::uint64_t value : values) {
    const std::int64_t x = ring.to_signed(value);
    // 0 - x in unsigned arithmetic is |x| even for the most negative x.
    largest = std::max(largest,
                       x < 0 ? 0 - static_cast<std::uint64_t>(x) : static_cast<std::uint64_t>(x));
  }
  return largest;
}

std::vector<double> evaluate_fixed_point(const FixedPointNetwork& network,
                                         std::span<const float> pixels) {
  auto input = network.quantize_input(pixels);
  auto logits = evaluate_fixed_point(network, std::span<const std::uint64_t>(input));
  return network.dequantize_output(logits);
}

}  // namespace pinas::pi
