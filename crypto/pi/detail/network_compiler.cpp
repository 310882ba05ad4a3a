#include "crypto/pi/detail/network_compiler.h"

// The compiler's driver and tensor bookkeeping; the layers are lowered in
// network_compiler_{linear,activation,pool_and_merge}_layers.cpp.

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
