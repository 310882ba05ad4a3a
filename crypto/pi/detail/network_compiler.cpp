#include "crypto/pi/detail/network_compiler.h"

#include <algorithm>

#include <fmt/format.h>

#include <bit>
#include <cmath>

#include "crypto/pi/detail/ring.h"
#include "crypto/pi/pi_error.h"
#include "search_spaces/fixed_point_rules.h"

namespace pinas::pi {

using spaces::NodeId;
using spaces::OpType;
using spaces::Shape;

namespace {

// The scale rules shared with the cost model (search_spaces/fixed_point_rules.h).
spaces::FixedPointRules rules_of(const FixedPointConfig& config) {
  return {static_cast<int>(config.fractional_bits), static_cast<int>(config.effective_scale_limit()),
          config.relu_mode == ReluMode::kCirca};
}

}  // namespace

NetworkCompiler::NetworkCompiler(const pb::Model& model, const FixedPointConfig& config,
                                 bool structure_only)
    : model_(model), config_(config), structure_only_(structure_only) {
  config_.validate();
  architecture_ = spaces::Architecture::from_proto(model.architecture());
  shapes_ = spaces::infer_shapes(architecture_);
  for (const auto& parameters : model.parameters()) parameters_[parameters.node()] = &parameters;
  network_.config_ = config_;
}

std::uint32_t NetworkCompiler::new_tensor(Shape shape, std::uint32_t scale) {
  network_.tensors_.push_back({shape, scale});
  return static_cast<std::uint32_t>(network_.tensors_.size() - 1);
}

void NetworkCompiler::add_step(const std::string& node, std::vector<std::uint32_t> inputs,
                               std::uint32_t output, StepOp op) {
  network_.steps_.push_back({node, std::move(inputs), output, std::move(op)});
}

std::uint32_t NetworkCompiler::truncated(const std::string& node, std::uint32_t tensor) {
  const TensorInfo info = network_.tensors_.at(tensor);
  if (info.scale <= config_.fractional_bits) return tensor;
  auto found = truncated_.find(tensor);
  if (found != truncated_.end()) return found->second;
  std::uint32_t output = new_tensor(info.shape, config_.fractional_bits);
  GarbledStep step;
  step.mask.assign(static_cast<std::size_t>(info.shape.elements()), 0);
  step.shift = info.scale - config_.fractional_bits;
  add_step(node + "/truncate", {tensor}, output, step);
  truncated_[tensor] = output;
  return output;
}

std::uint32_t NetworkCompiler::fit_scale(const std::string& node, std::uint32_t tensor,
                                         std::uint32_t growth) {
  if (!rules_of(config_).must_truncate(static_cast<int>(network_.tensors_.at(tensor).scale),
                                       static_cast<int>(growth))) {
    return tensor;
  }
  return truncated(node, tensor);
}

std::uint32_t NetworkCompiler::input_of(NodeId id, std::size_t index) const {
  auto inputs = architecture_.inputs(id);
  if (index >= inputs.size()) {
    throw CompileError(
        fmt::format("node '{}': missing input {}", architecture_.node(id).name, index));
  }
  auto found = node_tensor_.find(inputs[index]);
  if (found == node_tensor_.end()) {
    throw CompileError(fmt::format("node '{}': input '{}' was not compiled",
                                   architecture_.node(id).name,
                                   architecture_.node(inputs[index]).name));
  }
  return found->second;
}

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
    for (double value : tensor_values(node.name, "mask", {info.shape.channels, info.shape.height, info.shape.width})) {
      if (value != 0.0 && value != 1.0) {
        throw CompileError(fmt::format("node '{}': mask values must be 0 or 1", node.name));
      }
      step.mask.push_back(value == 1.0 ? 1 : 0);
    }
  }
  const bool all_ones = std::all_of(step.mask.begin(), step.mask.end(), [](std::uint8_t bit) { return bit == 1; });
  const bool all_zeros = !step.mask.empty() &&
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
        info.scale + static_cast<std::uint32_t>(rules.polynomial_growth(static_cast<int>(info.scale)));
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
  if (rules.must_truncate(static_cast<int>(scale), rules.polynomial_growth(static_cast<int>(scale)))) {
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

FixedPointNetwork NetworkCompiler::run() {
  for (NodeId id : architecture_.topological_order()) {
    if (node_tensor_.count(id) != 0) continue;  // a folded batch norm
    const auto& node = architecture_.node(id);
    switch (node.op) {
      case OpType::Input:
        if (has_input_) throw CompileError(fmt::format("node '{}': a second INPUT", node.name));
        has_input_ = true;
        network_.input_tensor_ = new_tensor(shapes_.at(id), config_.fractional_bits);
        node_tensor_[id] = network_.input_tensor_;
        break;
      case OpType::Conv:
        compile_conv(id);
        break;
      case OpType::SeparableConv:
        compile_separable(id);
        break;
      case OpType::Linear:
        compile_linear(id);
        break;
      case OpType::BatchNorm:
        compile_batch_norm(id);
        break;
      case OpType::ReLU:
        compile_relu(id);
        break;
      case OpType::Polynomial:
        compile_polynomial(id);
        break;
      case OpType::Identity:
        node_tensor_[id] = input_of(id, 0);
        break;
      case OpType::Zero: {
        std::uint32_t output = new_tensor(shapes_.at(id), config_.fractional_bits);
        add_step(node.name, {}, output, ZeroStep{});
        node_tensor_[id] = output;
        break;
      }
      case OpType::AvgPool:
        compile_pool(id, false);
        break;
      case OpType::GlobalAvgPool:
        compile_pool(id, true);
        break;
      case OpType::MaxPool:
        compile_max_pool(id);
        break;
      case OpType::Add:
        compile_merge(id, false);
        break;
      case OpType::Concat:
        compile_merge(id, true);
        break;
      case OpType::Flatten: {
        std::uint32_t input = input_of(id, 0);
        std::uint32_t output = new_tensor(shapes_.at(id), network_.tensors_.at(input).scale);
        add_step(node.name, {input}, output, ReshapeStep{});
        node_tensor_[id] = output;
        break;
      }
      case OpType::Output:
        if (has_output_) throw CompileError(fmt::format("node '{}': a second OUTPUT", node.name));
        has_output_ = true;
        network_.output_tensor_ = input_of(id, 0);
        node_tensor_[id] = network_.output_tensor_;
        break;
      default:
        throw CompileError(fmt::format("node '{}': op {} is not supported by private inference",
                                       node.name, spaces::op_name(node.op)));
    }
  }
  if (!has_input_ || !has_output_) {
    throw CompileError("model: the architecture needs one INPUT and one OUTPUT node");
  }
  if (network_.output_tensor_ == network_.input_tensor_) {
    throw CompileError("model: the output is the input itself");
  }
  const auto& normalization = model_.input_normalization();
  std::int64_t channels = network_.input_info().shape.channels;
  if (normalization.mean_size() != 0 || normalization.std_size() != 0) {
    if (normalization.mean_size() != channels || normalization.std_size() != channels) {
      throw CompileError(
          fmt::format("model: input_normalization has {} means and {} stds for {} input channels",
                      normalization.mean_size(), normalization.std_size(), channels));
    }
    for (int c = 0; c < channels; ++c) {
      if (!(normalization.std(c) > 0)) {
        throw CompileError(fmt::format("model: input_normalization std[{}] is not positive", c));
      }
    }
    network_.input_mean_.assign(normalization.mean().begin(), normalization.mean().end());
    network_.input_std_.assign(normalization.std().begin(), normalization.std().end());
  }
  network_.class_names_.assign(model_.class_names().begin(), model_.class_names().end());
  return std::move(network_);
}

}  // namespace pinas::pi
