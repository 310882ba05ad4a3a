#include "crypto/pi/detail/product_plans.h"

#include "crypto/pi/detail/ring.h"

namespace pinas::pi::detail {

namespace {

// (output coordinate, input coordinate) pairs in range for kernel offset k
// along one axis.
std::vector<std::vector<std::pair<std::size_t, std::size_t>>> valid_pairs(
    std::int64_t kernel, std::int64_t out_size, std::int64_t in_size, const ConvGeometry& g) {
  std::vector<std::vector<std::pair<std::size_t, std::size_t>>> pairs(static_cast<std::size_t>(kernel));
  for (std::int64_t k = 0; k < kernel; ++k) {
    for (std::int64_t o = 0; o < out_size; ++o) {
      std::int64_t i = o * g.stride - g.padding + k * g.dilation;
      if (i >= 0 && i < in_size) pairs[k].emplace_back(o, i);
    }
  }
  return pairs;
}

// For each input coordinate: (output coordinate, kernel offset) pairs using it.
std::vector<std::vector<std::pair<std::size_t, std::size_t>>> uses(std::int64_t kernel,
                                                                   std::int64_t out_size,
                                                                   std::int64_t in_size,
                                                                   const ConvGeometry& g) {
  std::vector<std::vector<std::pair<std::size_t, std::size_t>>> result(static_cast<std::size_t>(in_size));
  for (std::int64_t o = 0; o < out_size; ++o) {
    for (std::int64_t k = 0; k < kernel; ++k) {
      std::int64_t i = o * g.stride - g.padding + k * g.dilation;
      if (i >= 0 && i < in_size) result[i].emplace_back(o, k);
    }
  }
  return result;
}

}  // namespace

WeightDecompositionPlan::WeightDecompositionPlan(const ConvGeometry& g, std::uint32_t weight_bits)
    : geometry_(g),
      bits_(weight_bits),
      kernel_(static_cast<std::size_t>(g.kernel)),
      in_per_group_(static_cast<std::size_t>(g.input_channels_per_group())),
      out_per_group_(static_cast<std::size_t>(g.output_channels_per_group())),
      in_h_(static_cast<std::size_t>(g.input.height)),
      in_w_(static_cast<std::size_t>(g.input.width)),
      out_h_(static_cast<std::size_t>(g.output.height)),
      out_w_(static_cast<std::size_t>(g.output.width)),
      valid_y_(valid_pairs(g.kernel, g.output.height, g.input.height, g)),
      valid_x_(valid_pairs(g.kernel, g.output.width, g.input.width, g)) {}

std::vector<std::uint8_t> WeightDecompositionPlan::choices(const std::vector<std::uint64_t>& weights) const {
  std::vector<std::uint8_t> bits(weights.size() * bits_);
  for (std::size_t w = 0; w < weights.size(); ++w) {
    const std::uint64_t value = weights[w];  // two's complement: the low b bits suffice
    for (std::uint32_t j = 0; j < bits_; ++j) bits[w * bits_ + j] = (value >> j) & 1;
  }
  return bits;
}

InputDecompositionPlan::InputDecompositionPlan(const ConvGeometry& g, std::uint32_t ring_bits)
    : geometry_(g),
      bits_(ring_bits),
      kernel_(static_cast<std::size_t>(g.kernel)),
      in_per_group_(static_cast<std::size_t>(g.input_channels_per_group())),
      out_per_group_(static_cast<std::size_t>(g.output_channels_per_group())),
      in_h_(static_cast<std::size_t>(g.input.height)),
      in_w_(static_cast<std::size_t>(g.input.width)),
      out_h_(static_cast<std::size_t>(g.output.height)),
      out_w_(static_cast<std::size_t>(g.output.width)),
      uses_y_(uses(g.kernel, g.output.height, g.input.height, g)),
      uses_x_(uses(g.kernel, g.output.width, g.input.width, g)) {}

std::vector<std::uint8_t> value_bits(const std::vector<std::uint64_t>& values, std::uint32_t ring_bits) {
  std::vector<std::uint8_t> bits(values.size() * ring_bits);
  for (std::size_t i = 0; i < values.size(); ++i) {
    for (std::uint32_t j = 0; j < ring_bits; ++j) bits[i * ring_bits + j] = (values[i] >> j) & 1;
  }
  return bits;
}

}  // namespace pinas::pi::detail
