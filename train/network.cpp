#include "train/network.h"

#include <algorithm>

#include "proto/error.h"
#include "search_spaces/errors.h"
#include "train/detail/activation_layers.h"
#include "train/detail/convolution_layers.h"
#include "train/detail/mixed_activation_layer.h"

namespace pinas::train {
namespace {

using spaces::OpType;

std::string shape_text(torch::IntArrayRef sizes) {
  std::string text;
  // Appended piecewise: GCC 12 flags `"x" + std::to_string(...)` with a false -Wstringop-overflow.
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (i > 0) text += 'x';
    text += std::to_string(sizes[i]);
  }
  return text;
}

}  // namespace

std::string NetworkImpl::submodule_name(const std::string& node) {
  // Submodule names may not contain '.', which node names may.
  std::string name = node;
  std::replace(name.begin(), name.end(), '.', '_');
  return "node:" + name;
}

NetworkImpl::NetworkImpl(const spaces::Architecture& architecture, uint64_t seed, double batch_norm_epsilon)
    : architecture_(architecture),
      cost_report_(spaces::analyze(architecture)),
      batch_norm_epsilon_(batch_norm_epsilon) {
  auto generator = at::detail::createCPUGenerator(seed);
  output_id_ = architecture_.output_node();
  input_shape_ = architecture_.node(architecture_.input_node()).input_shape;
  for (spaces::NodeId id : architecture_.topological_order()) {
    Step step;
    step.id = id;
    step.node = architecture_.node(id);
    step.inputs = architecture_.inputs(id);
    const spaces::Node& node = step.node;
    const auto input_shapes = cost_report_.input_shapes(architecture_, id);
    const int64_t in_channels = input_shapes.empty() ? 0 : input_shapes[0].channels;
    detail::ConvolutionGeometry geometry{in_channels,         node.out_channels,        node.kernel,
                                         node.effective_stride(), node.padding, node.effective_dilation(),
                                         node.effective_groups(), node.bias};
    switch (node.op) {
      case OpType::Conv:
        step.layer = std::make_shared<detail::ConvolutionLayerImpl>(geometry, generator);
        break;
      case OpType::SeparableConv:
        step.layer = std::make_shared<detail::SeparableConvolutionLayerImpl>(geometry, generator);
        break;
      case OpType::Linear:
        step.layer = std::make_shared<detail::LinearLayerImpl>(input_shapes[0].elements(), node.out_channels,
                                                               node.bias, generator);
        break;
      case OpType::BatchNorm:
        step.batch_norm = std::make_shared<torch::nn::BatchNorm2dImpl>(
            torch::nn::BatchNorm2dOptions(in_channels).eps(batch_norm_epsilon));
        step.layer = step.batch_norm;
        break;
      case OpType::ReLU: {
        const spaces::Shape& in = input_shapes[0];
        auto layer = std::make_shared<detail::MixedActivationLayerImpl>(in.channels, in.height, in.width);
        if (!node.relu_mask.empty()) {
          auto mask = torch::empty({in.channels, in.height, in.width}, torch::kFloat32);
          std::copy(node.relu_mask.begin(), node.relu_mask.end(), mask.data_ptr<float>());
          layer->set_mask(mask);
        }
        if (!node.replacement.empty()) {
          auto coefficients = torch::empty({in.channels, 3}, torch::kFloat32);
          std::copy(node.replacement.begin(), node.replacement.end(), coefficients.data_ptr<float>());
          layer->set_replacement(coefficients);
        }
        step.layer = layer;
        break;
      }
      case OpType::Polynomial:
        step.layer = std::make_shared<detail::PolynomialLayerImpl>(node.coefficients);
        break;
      default:
        break;
    }
    if (step.layer) register_module(submodule_name(node.name), step.layer);
    step_index_[node.name] = steps_.size();
    steps_.push_back(std::move(step));
  }
}

torch::Tensor NetworkImpl::run_step(const Step& step, const std::vector<torch::Tensor>& outputs) const {
  const spaces::Node& node = step.node;
  auto in = [&](size_t i) -> const torch::Tensor& { return outputs[step.inputs[i]]; };
  switch (node.op) {
    case OpType::Conv:
      return static_cast<detail::ConvolutionLayerImpl&>(*step.layer).forward(in(0));
    case OpType::SeparableConv:
      return static_cast<detail::SeparableConvolutionLayerImpl&>(*step.layer).forward(in(0));
    case OpType::Linear:
      return static_cast<detail::LinearLayerImpl&>(*step.layer).forward(in(0));
    case OpType::BatchNorm:
      return step.batch_norm->forward(in(0));
    case OpType::ReLU:
      return static_cast<detail::MixedActivationLayerImpl&>(*step.layer).forward(in(0));
    case OpType::Polynomial:
      return static_cast<detail::PolynomialLayerImpl&>(*step.layer).forward(in(0));
    case OpType::Identity:
    case OpType::Output:
      return in(0);
    case OpType::Zero: {
      const int64_t stride = node.effective_stride();
      using torch::indexing::Slice;
      auto strided = stride == 1 ? in(0) : in(0).index({Slice(), Slice(), Slice(0, torch::indexing::None, stride),
                                                        Slice(0, torch::indexing::None, stride)});
      return torch::zeros_like(strided);
    }
    case OpType::AvgPool:
      return torch::avg_pool2d(in(0), node.kernel, node.effective_stride(), node.padding,
                               /*ceil_mode=*/false, /*count_include_pad=*/true);
    case OpType::MaxPool:
      return torch::max_pool2d(in(0), node.kernel, node.effective_stride(), node.padding);
    case OpType::GlobalAvgPool:
      return in(0).mean({2, 3}, /*keepdim=*/true);
    case OpType::Add: {
      auto sum = in(0);
      for (size_t i = 1; i < step.inputs.size(); ++i) sum = sum + in(i);
      return sum;
    }
    case OpType::Concat: {
      std::vector<torch::Tensor> parts;
      for (size_t i = 0; i < step.inputs.size(); ++i) parts.push_back(in(i));
      return torch::cat(parts, 1);
    }
    case OpType::Flatten: {
      const auto& x = in(0);
      return x.reshape({x.size(0), -1, 1, 1});
    }
    default:
      throw spaces::GraphError("node '" + node.name + "': unsupported op " + spaces::op_name(node.op));
  }
}

std::vector<torch::Tensor> NetworkImpl::forward_all(const torch::Tensor& input) {
  if (input.dim() != 4 || input.size(1) != input_shape_.channels || input.size(2) != input_shape_.height ||
      input.size(3) != input_shape_.width) {
    throw Error("network '" + architecture_.name() + "': input of shape " + shape_text(input.sizes()) +
                ", expected Nx" + input_shape_.to_string());
  }
  std::vector<torch::Tensor> outputs(architecture_.num_nodes());
  for (const Step& step : steps_) {
    outputs[step.id] = step.node.op == OpType::Input ? input : run_step(step, outputs);
  }
  return outputs;
}

torch::Tensor NetworkImpl::forward(const torch::Tensor& input) {
  auto outputs = forward_all(input);
  return outputs[output_id_].flatten(1);
}

int64_t NetworkImpl::weight_count() const {
  int64_t count = 0;
  for (const Step& step : steps_) {
    // Activations hold no IR weights (polynomial coefficients, masks, relaxations).
    if (!step.layer || step.node.op == OpType::Polynomial || step.node.op == OpType::ReLU) continue;
    for (const auto& parameter : step.layer->parameters(/*recurse=*/false)) count += parameter.numel();
  }
  return count;
}

int64_t NetworkImpl::last_relus_per_example() const {
  int64_t count = 0;
  for (const Step& step : steps_) {
    if (step.node.op == OpType::ReLU) {
      count += static_cast<const detail::MixedActivationLayerImpl&>(*step.layer).last_relus_per_example();
    }
  }
  return count;
}

NetworkImpl::Step& NetworkImpl::step_for(const std::string& node) {
  auto found = step_index_.find(node);
  if (found == step_index_.end()) {
    throw Error("network '" + architecture_.name() + "': no node '" + node + "'");
  }
  return steps_[found->second];
}

void NetworkImpl::set_relu_mask(const std::string& node, const torch::Tensor& mask) {
  Step& step = step_for(node);
  if (step.node.op != OpType::ReLU) throw Error("node '" + node + "': a mask needs a RELU node");
  const spaces::Shape& shape = cost_report_.shape(step.id);
  if (mask.defined() && (mask.dim() != 3 || mask.size(0) != shape.channels || mask.size(1) != shape.height ||
                         mask.size(2) != shape.width)) {
    throw Error("node '" + node + "': ReLU mask of shape " + shape_text(mask.sizes()) + ", expected " +
                shape.to_string());
  }
  auto& relu = static_cast<detail::MixedActivationLayerImpl&>(*step.layer);
  try {
    auto device_mask = mask;
    if (mask.defined()) {
      auto parameters = this->parameters();
      if (!parameters.empty()) device_mask = mask.to(parameters.front().device());
    }
    relu.set_mask(device_mask);
  } catch (const Error& error) {
    throw Error("node '" + node + "': " + error.what());
  }
}

std::vector<ActivationSite> NetworkImpl::activation_sites() {
  std::vector<ActivationSite> sites;
  for (const Step& step : steps_) {
    if (step.node.op != OpType::ReLU) continue;
    sites.push_back({step.node.name, cost_report_.shape(step.id),
                     std::static_pointer_cast<detail::MixedActivationLayerImpl>(step.layer)});
  }
  return sites;
}

spaces::Architecture NetworkImpl::current_architecture() const {
  spaces::Architecture architecture = architecture_;
  for (const Step& step : steps_) {
    if (step.node.op != OpType::ReLU) continue;
    const auto& layer = static_cast<const detail::MixedActivationLayerImpl&>(*step.layer);
    spaces::Node& node = architecture.mutable_node(step.id);
    node.relu_mask.clear();
    node.replacement.clear();
    const torch::Tensor mask = layer.mask();
    if (mask.defined() && layer.live_relus(0.0) < layer.elements()) {
      const auto values = mask.detach().to(torch::kCPU, torch::kFloat32).contiguous();
      const float* data = values.data_ptr<float>();
      node.relu_mask.reserve(static_cast<size_t>(values.numel()));
      for (int64_t i = 0; i < values.numel(); ++i) node.relu_mask.push_back(data[i] != 0.0F ? 1 : 0);
    }
    const torch::Tensor replacement = layer.replacement();
    if (replacement.defined() && !node.relu_mask.empty()) {
      const auto values = replacement.detach().to(torch::kCPU, torch::kDouble).contiguous();
      node.replacement.assign(values.data_ptr<double>(), values.data_ptr<double>() + values.numel());
    }
  }
  return architecture;
}

std::vector<NodeTensor> NetworkImpl::node_tensors() {
  std::vector<NodeTensor> tensors;
  for (const Step& step : steps_) {
    if (!step.layer) continue;
    for (const auto& item : step.layer->named_parameters(/*recurse=*/false)) {
      tensors.push_back({step.node.name, item.key(), item.value()});
    }
    for (const auto& item : step.layer->named_buffers(/*recurse=*/false)) {
      if (item.key() == "num_batches_tracked") continue;
      tensors.push_back({step.node.name, item.key(), item.value()});
    }
  }
  return tensors;
}

void NetworkImpl::load_node_tensor(const std::string& node, const std::string& role, const torch::Tensor& value) {
  Step& step = step_for(node);
  if (step.node.op == OpType::ReLU && role == "mask") {
    set_relu_mask(node, value);
    return;
  }
  torch::Tensor target;
  if (step.layer && role != "num_batches_tracked") {
    const auto parameters = step.layer->named_parameters(/*recurse=*/false);
    const auto buffers = step.layer->named_buffers(/*recurse=*/false);
    if (const auto* found = parameters.find(role)) target = *found;
    else if (const auto* found_buffer = buffers.find(role)) target = *found_buffer;
  }
  if (!target.defined()) {
    throw Error("node '" + node + "' (" + spaces::op_name(step.node.op) + "): no tensor with role '" + role + "'");
  }
  if (target.sizes() != value.sizes()) {
    throw Error("node '" + node + "' tensor '" + role + "': shape " + shape_text(value.sizes()) + ", expected " +
                shape_text(target.sizes()));
  }
  torch::NoGradGuard no_grad;
  target.copy_(value.to(target.device(), target.dtype()));
}

}  // namespace pinas::train
