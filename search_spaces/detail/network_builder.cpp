#include "search_spaces/detail/network_builder.h"

#include <fmt/format.h>

namespace pinas::spaces::detail {

NetworkBuilder::ScopeGuard NetworkBuilder::scope(std::string_view label, int index, int second) {
  scope_lengths_.push_back(path_.size());
  if (building_graph()) {
    path_.append(label);
    if (index >= 0) path_.append(std::to_string(index));
    if (second >= 0) {
      path_.push_back('_');
      path_.append(std::to_string(second));
    }
    path_.push_back('/');
  }
  return ScopeGuard(*this);
}

void NetworkBuilder::pop_scope() {
  path_.resize(scope_lengths_.back());
  scope_lengths_.pop_back();
}

Tensor NetworkBuilder::emit(Node node, std::span<const Tensor> inputs, std::string_view label) {
  shape_buffer_.clear();
  for (const Tensor& input : inputs) shape_buffer_.push_back(input.shape);
  if (building_graph()) {
    node.name = path_;
    node.name.append(label);
  }
  const LayerCost cost = node_cost(node, shape_buffer_);
  totals_.relus += cost.relus;
  totals_.macs += cost.macs;
  totals_.params += cost.params;
  Tensor result{0, cost.output};
  if (building_graph()) {
    id_buffer_.clear();
    for (const Tensor& input : inputs) id_buffer_.push_back(input.node);
    // A label repeated within one scope gets the first free "_2", "_3", ...
    auto id = architecture_->try_add_node(node, id_buffer_);
    if (!id) {
      const std::string base = node.name;
      for (int suffix = 2; !id; ++suffix) {
        node.name = fmt::format("{}_{}", base, suffix);
        id = architecture_->try_add_node(node, id_buffer_);
      }
    }
    result.node = *id;
  }
  if (cost.op == OpType::Output) totals_.output = cost.output;
  return result;
}

namespace {
Node make(OpType op) {
  Node node;
  node.op = op;
  return node;
}
}  // namespace

Tensor NetworkBuilder::input(Shape shape) {
  Node node = make(OpType::Input);
  node.input_shape = shape;
  return emit(std::move(node), {}, "input");
}

Tensor NetworkBuilder::conv(Tensor x, std::int64_t out_channels, int kernel, int stride,
                            int padding, int dilation, std::string_view label) {
  Node node = make(OpType::Conv);
  node.out_channels = out_channels;
  node.kernel = kernel;
  node.stride = stride;
  node.padding = padding;
  node.dilation = dilation;
  return emit(std::move(node), {&x, 1}, label);
}

Tensor NetworkBuilder::separable_conv(Tensor x, std::int64_t out_channels, int kernel, int stride,
                                      int padding, int dilation, std::string_view label) {
  Node node = make(OpType::SeparableConv);
  node.out_channels = out_channels;
  node.kernel = kernel;
  node.stride = stride;
  node.padding = padding;
  node.dilation = dilation;
  return emit(std::move(node), {&x, 1}, label);
}

Tensor NetworkBuilder::batch_norm(Tensor x, std::string_view label) {
  return emit(make(OpType::BatchNorm), {&x, 1}, label);
}

Tensor NetworkBuilder::relu(Tensor x, std::string_view label) {
  return emit(make(OpType::ReLU), {&x, 1}, label);
}

Tensor NetworkBuilder::identity(Tensor x, std::string_view label) {
  return emit(make(OpType::Identity), {&x, 1}, label);
}

Tensor NetworkBuilder::zero(Tensor x, int stride, std::string_view label) {
  Node node = make(OpType::Zero);
  node.stride = stride;
  return emit(std::move(node), {&x, 1}, label);
}

Tensor NetworkBuilder::avg_pool(Tensor x, int kernel, int stride, int padding,
                                std::string_view label) {
  Node node = make(OpType::AvgPool);
  node.kernel = kernel;
  node.stride = stride;
  node.padding = padding;
  return emit(std::move(node), {&x, 1}, label);
}

Tensor NetworkBuilder::max_pool(Tensor x, int kernel, int stride, int padding,
                                std::string_view label) {
  Node node = make(OpType::MaxPool);
  node.kernel = kernel;
  node.stride = stride;
  node.padding = padding;
  return emit(std::move(node), {&x, 1}, label);
}

Tensor NetworkBuilder::global_avg_pool(Tensor x, std::string_view label) {
  return emit(make(OpType::GlobalAvgPool), {&x, 1}, label);
}

Tensor NetworkBuilder::add(std::span<const Tensor> inputs, std::string_view label) {
  return emit(make(OpType::Add), inputs, label);
}

Tensor NetworkBuilder::concat(std::span<const Tensor> inputs, std::string_view label) {
  return emit(make(OpType::Concat), inputs, label);
}

Tensor NetworkBuilder::linear(Tensor x, std::int64_t out_channels, std::string_view label) {
  Node node = make(OpType::Linear);
  node.out_channels = out_channels;
  node.bias = true;
  return emit(std::move(node), {&x, 1}, label);
}

Tensor NetworkBuilder::flatten(Tensor x, std::string_view label) {
  return emit(make(OpType::Flatten), {&x, 1}, label);
}

Tensor NetworkBuilder::output(Tensor x, std::string_view label) {
  return emit(make(OpType::Output), {&x, 1}, label);
}

Tensor NetworkBuilder::conv_bn(Tensor x, std::int64_t out_channels, int kernel, int stride,
                               int padding, int dilation, std::string_view label) {
  Tensor y = conv(x, out_channels, kernel, stride, padding, dilation, label);
  return batch_norm(y, std::string(label) + "_bn");
}

}  // namespace pinas::spaces::detail
