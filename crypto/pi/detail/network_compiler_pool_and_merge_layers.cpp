#include "crypto/pi/detail/network_compiler.h"

// Pooling (average, global average, max) and merges (ADD, CONCAT).

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

void NetworkCompiler::compile_pool(NodeId id, bool global) {
  const auto& node = architecture_.node(id);
  std::uint32_t input = input_of(id, 0);
  Shape in = network_.tensors_.at(input).shape;
  PoolStep step;
  if (global) {
    step.kernel_height = static_cast<std::int32_t>(in.height);
    step.kernel_width = static_cast<std::int32_t>(in.width);
    step.stride = 1;
  } else {
    step.kernel_height = step.kernel_width = node.kernel;
    step.stride = node.effective_stride();
    step.padding = node.padding;
  }
  std::uint64_t area = static_cast<std::uint64_t>(step.kernel_height) * step.kernel_width;
  const auto scaling = rules_of(config_).pool_scaling(area);
  const auto growth = static_cast<std::uint32_t>(scaling.growth);
  if (scaling.multiplies) {
    step.multiplier = static_cast<std::uint64_t>(std::llround(
        std::ldexp(1.0 / static_cast<double>(area), static_cast<int>(config_.fractional_bits))));
    if (step.multiplier == 0) {
      throw CompileError(fmt::format("node '{}': pooling window {} too large for f = {}", node.name,
                                     area, config_.fractional_bits));
    }
  }
  input = fit_scale(node.name, input, growth);
  std::uint32_t output = new_tensor(shapes_.at(id), network_.tensors_.at(input).scale + growth);
  add_step(node.name, {input}, output, step);
  node_tensor_[id] = output;
}

void NetworkCompiler::compile_max_pool(NodeId id) {
  const auto& node = architecture_.node(id);
  std::uint32_t input = input_of(id, 0);
  MaxPoolStep step;
  step.kernel = node.kernel;
  step.stride = node.effective_stride();
  step.padding = node.padding;
  step.shift = network_.tensors_.at(input).scale - config_.fractional_bits;
  std::uint32_t output = new_tensor(shapes_.at(id), config_.fractional_bits);
  add_step(node.name, {input}, output, step);
  node_tensor_[id] = output;
}

void NetworkCompiler::compile_merge(NodeId id, bool concat) {
  const auto& node = architecture_.node(id);
  std::vector<std::uint32_t> inputs;
  std::uint32_t scale = 0;
  for (std::size_t i = 0; i < architecture_.inputs(id).size(); ++i) {
    inputs.push_back(input_of(id, i));
    scale = std::max(scale, network_.tensors_.at(inputs.back()).scale);
  }
  std::vector<std::uint32_t> shifts;
  for (auto input : inputs) shifts.push_back(scale - network_.tensors_.at(input).scale);
  std::uint32_t output = new_tensor(shapes_.at(id), scale);
  if (concat) {
    add_step(node.name, inputs, output, ConcatStep{shifts});
  } else {
    add_step(node.name, inputs, output, AddStep{shifts});
  }
  node_tensor_[id] = output;
}

}  // namespace pinas::pi
