#include "crypto/pi/detail/network_compiler.h"

// Linear layers: parameter tensors, batch-norm folding and quantized
// weights (convolution, separable convolution, linear, unfolded batch norm).

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

const pb::Tensor* NetworkCompiler::find_tensor(const std::string& node,
                                               const std::string& role) const {
  auto found = parameters_.find(node);
  if (found == parameters_.end()) return nullptr;
  auto tensor = found->second->tensors().find(role);
  return tensor == found->second->tensors().end() ? nullptr : &tensor->second;
}

std::vector<double> NetworkCompiler::tensor_values(const std::string& node, const std::string& role,
                                                   const std::vector<std::int64_t>& shape,
                                                   bool optional) const {
  std::int64_t count = 1;
  for (auto size : shape) count *= size;
  const pb::Tensor* tensor = find_tensor(node, role);
  if (tensor == nullptr) {
    if (optional || structure_only_)
      return std::vector<double>(static_cast<std::size_t>(count), 0.0);
    throw CompileError(fmt::format("node '{}': missing parameter tensor '{}'", node, role));
  }
  bool same_shape = tensor->shape_size() == static_cast<int>(shape.size());
  for (std::size_t i = 0; same_shape && i < shape.size(); ++i) {
    same_shape = tensor->shape(static_cast<int>(i)) == shape[i];
  }
  if (!same_shape || tensor->values_size() != count) {
    std::string expected = fmt::format("{}", fmt::join(shape, "x"));
    std::string actual = fmt::format("{}", fmt::join(tensor->shape(), "x"));
    throw CompileError(
        fmt::format("node '{}': parameter tensor '{}' has shape [{}] and {} values, expected [{}]",
                    node, role, actual, tensor->values_size(), expected));
  }
  std::vector<double> values(tensor->values().begin(), tensor->values().end());
  for (double value : values) {
    if (!std::isfinite(value)) {
      throw CompileError(
          fmt::format("node '{}': parameter tensor '{}' holds a non-finite value", node, role));
    }
  }
  return values;
}

NodeId NetworkCompiler::fold_batch_norm(NodeId id, FloatLayer& layer) {
  auto consumers = architecture_.consumers(id);
  if (consumers.size() != 1) return id;
  NodeId next = consumers[0];
  const auto& batch_norm = architecture_.node(next);
  if (batch_norm.op != OpType::BatchNorm || architecture_.inputs(next).size() != 1) return id;
  std::int64_t channels = layer.geometry.output.channels;
  if (!structure_only_) {
    auto gamma = tensor_values(batch_norm.name, "weight", {channels});
    auto beta = tensor_values(batch_norm.name, "bias", {channels});
    auto mean = tensor_values(batch_norm.name, "running_mean", {channels});
    auto variance = tensor_values(batch_norm.name, "running_var", {channels});
    double epsilon = model_.batch_norm_epsilon() > 0 ? model_.batch_norm_epsilon() : 1e-5;
    if (layer.bias.empty()) layer.bias.assign(static_cast<std::size_t>(channels), 0.0);
    std::size_t per_channel = layer.weights.size() / static_cast<std::size_t>(channels);
    for (std::int64_t c = 0; c < channels; ++c) {
      if (variance[c] + epsilon <= 0) {
        throw CompileError(
            fmt::format("node '{}': running_var[{}] is negative", batch_norm.name, c));
      }
      double scale = gamma[c] / std::sqrt(variance[c] + epsilon);
      for (std::size_t i = 0; i < per_channel; ++i) layer.weights[c * per_channel + i] *= scale;
      layer.bias[c] = (layer.bias[c] - mean[c]) * scale + beta[c];
    }
  } else if (layer.bias.empty()) {
    layer.bias.assign(static_cast<std::size_t>(channels), 0.0);
  }
  return next;
}

std::uint32_t NetworkCompiler::emit_linear(const std::string& node, std::uint32_t input,
                                           FloatLayer layer) {
  const auto growth = static_cast<std::uint32_t>(rules_of(config_).linear_growth());
  input = fit_scale(node, input, growth);
  const std::uint32_t input_scale = network_.tensors_.at(input).scale;
  const std::uint32_t output_scale = input_scale + growth;
  detail::Ring ring(config_.ring_bits);
  LinearStep step;
  step.geometry = layer.geometry;
  if (!structure_only_) {
    const std::int64_t limit = std::int64_t{1} << (config_.effective_weight_bits() - 1);
    step.weights.reserve(layer.weights.size());
    for (double weight : layer.weights) {
      double scaled = std::round(std::ldexp(weight, static_cast<int>(config_.fractional_bits)));
      if (scaled < -static_cast<double>(limit) || scaled >= static_cast<double>(limit)) {
        throw CompileError(
            fmt::format("node '{}': weight {} does not fit in {} bits at {} fractional bits (raise "
                        "weight_bits)",
                        node, weight, config_.effective_weight_bits(), config_.fractional_bits));
      }
      step.weights.push_back(ring.from_signed(static_cast<std::int64_t>(scaled)));
    }
    for (double bias : layer.bias) step.bias.push_back(ring.encode(bias, output_scale));
  } else if (!layer.bias.empty()) {
    step.bias.assign(layer.bias.size(), 0);
  }
  std::uint32_t output = new_tensor(layer.geometry.output, output_scale);
  add_step(node, {input}, output, std::move(step));
  return output;
}

void NetworkCompiler::compile_conv(NodeId id) {
  const auto& node = architecture_.node(id);
  std::uint32_t input = input_of(id, 0);
  FloatLayer layer;
  auto& g = layer.geometry;
  g.input = network_.tensors_.at(input).shape;
  g.output = shapes_.at(id);
  g.kernel = node.kernel;
  g.stride = node.effective_stride();
  g.padding = node.padding;
  g.dilation = node.effective_dilation();
  g.groups = node.effective_groups();
  layer.weights = tensor_values(
      node.name, "weight", {g.output.channels, g.input.channels / g.groups, g.kernel, g.kernel});
  if (node.bias) layer.bias = tensor_values(node.name, "bias", {g.output.channels});
  NodeId last = fold_batch_norm(id, layer);
  std::uint32_t output = emit_linear(node.name, input, std::move(layer));
  node_tensor_[id] = output;
  node_tensor_[last] = output;
}

void NetworkCompiler::compile_separable(NodeId id) {
  const auto& node = architecture_.node(id);
  std::uint32_t input = input_of(id, 0);
  Shape in = network_.tensors_.at(input).shape;
  Shape out = shapes_.at(id);
  FloatLayer depthwise;
  auto& d = depthwise.geometry;
  d.input = in;
  d.output = {in.channels, out.height, out.width};
  d.kernel = node.kernel;
  d.stride = node.effective_stride();
  d.padding = node.padding;
  d.dilation = node.effective_dilation();
  d.groups = static_cast<std::int32_t>(in.channels);
  depthwise.weights =
      tensor_values(node.name, "depthwise_weight", {in.channels, 1, node.kernel, node.kernel});
  std::uint32_t middle = emit_linear(node.name + "/depthwise", input, std::move(depthwise));
  FloatLayer pointwise;
  auto& p = pointwise.geometry;
  p.input = d.output;
  p.output = out;
  pointwise.weights =
      tensor_values(node.name, "pointwise_weight", {out.channels, in.channels, 1, 1});
  if (node.bias) pointwise.bias = tensor_values(node.name, "bias", {out.channels});
  NodeId last = fold_batch_norm(id, pointwise);
  std::uint32_t output = emit_linear(node.name, middle, std::move(pointwise));
  node_tensor_[id] = output;
  node_tensor_[last] = output;
}

void NetworkCompiler::compile_linear(NodeId id) {
  const auto& node = architecture_.node(id);
  std::uint32_t input = input_of(id, 0);
  const TensorInfo info = network_.tensors_.at(input);
  Shape flat{info.shape.elements(), 1, 1};
  if (!(info.shape == flat)) {
    std::uint32_t reshaped = new_tensor(flat, info.scale);
    add_step(node.name + "/flatten", {input}, reshaped, ReshapeStep{});
    input = reshaped;
  }
  FloatLayer layer;
  layer.geometry.input = flat;
  layer.geometry.output = {node.out_channels, 1, 1};
  layer.weights = tensor_values(node.name, "weight", {node.out_channels, flat.channels});
  if (node.bias) layer.bias = tensor_values(node.name, "bias", {node.out_channels});
  NodeId last = fold_batch_norm(id, layer);
  std::uint32_t output = emit_linear(node.name, input, std::move(layer));
  node_tensor_[id] = output;
  node_tensor_[last] = output;
}

void NetworkCompiler::compile_batch_norm(NodeId id) {
  // Not preceded by a foldable layer: a per-channel affine map, i.e. a 1x1
  // depthwise convolution with the server's private scale and shift.
  const auto& node = architecture_.node(id);
  std::uint32_t input = input_of(id, 0);
  Shape shape = network_.tensors_.at(input).shape;
  FloatLayer layer;
  layer.geometry.input = shape;
  layer.geometry.output = shape;
  layer.geometry.groups = static_cast<std::int32_t>(shape.channels);
  layer.weights.assign(static_cast<std::size_t>(shape.channels), 1.0);
  layer.bias.assign(static_cast<std::size_t>(shape.channels), 0.0);
  if (!structure_only_) {
    auto gamma = tensor_values(node.name, "weight", {shape.channels});
    auto beta = tensor_values(node.name, "bias", {shape.channels});
    auto mean = tensor_values(node.name, "running_mean", {shape.channels});
    auto variance = tensor_values(node.name, "running_var", {shape.channels});
    double epsilon = model_.batch_norm_epsilon() > 0 ? model_.batch_norm_epsilon() : 1e-5;
    for (std::int64_t c = 0; c < shape.channels; ++c) {
      if (variance[c] + epsilon <= 0) {
        throw CompileError(fmt::format("node '{}': running_var[{}] is negative", node.name, c));
      }
      double scale = gamma[c] / std::sqrt(variance[c] + epsilon);
      layer.weights[c] = scale;
      layer.bias[c] = beta[c] - mean[c] * scale;
    }
  }
  node_tensor_[id] = emit_linear(node.name, input, std::move(layer));
}

}  // namespace pinas::pi
