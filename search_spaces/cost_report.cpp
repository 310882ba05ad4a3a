#include "search_spaces/cost_report.h"

#include <fmt/format.h>

#include <cmath>
#include <initializer_list>

namespace pinas::spaces {
namespace {

// Products of hostile attributes must not overflow silently.
std::int64_t multiply(const Node& node, std::initializer_list<std::int64_t> factors) {
  std::int64_t product = 1;
  for (std::int64_t factor : factors) {
    if (__builtin_mul_overflow(product, factor, &product)) {
      throw GraphError(fmt::format("node '{}': {} cost overflows 64 bits", node.name, op_name(node.op)));
    }
  }
  return product;
}

std::int64_t add(const Node& node, std::int64_t a, std::int64_t b) {
  std::int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) {
    throw GraphError(fmt::format("node '{}': {} cost overflows 64 bits", node.name, op_name(node.op)));
  }
  return sum;
}

[[noreturn]] void fail(const Node& node, const std::string& what) {
  throw GraphError(fmt::format("node '{}': {}: {}", node.name, op_name(node.op), what));
}

void expect_inputs(const Node& node, std::size_t actual, std::size_t minimum, std::size_t maximum) {
  if (actual < minimum || actual > maximum) {
    if (minimum == maximum) {
      fail(node, fmt::format("dangling or missing input: needs exactly {} input{}, has {}", minimum,
                             minimum == 1 ? "" : "s", actual));
    }
    fail(node, fmt::format("dangling or missing input: needs at least {} input, has {}", minimum, actual));
  }
}

// One spatial dimension after a window of `kernel` (dilated) with stride and padding.
std::int64_t window_output(const Node& node, std::int64_t size, std::int64_t kernel,
                           std::int64_t stride, std::int64_t padding, std::int64_t dilation) {
  if (kernel <= 0) fail(node, fmt::format("kernel must be positive, is {}", kernel));
  if (stride <= 0) fail(node, fmt::format("stride must be positive, is {}", stride));
  if (padding < 0) fail(node, fmt::format("padding must not be negative, is {}", padding));
  if (dilation <= 0) fail(node, fmt::format("dilation must be positive, is {}", dilation));
  const std::int64_t span = dilation * (kernel - 1) + 1;
  const std::int64_t padded = size + 2 * padding;
  if (padded < span) {
    fail(node, fmt::format("input size {} (padded {}) is smaller than the kernel span {}", size,
                           padded, span));
  }
  return (padded - span) / stride + 1;
}

// The element count, refusing shapes whose size overflows 64 bits.
std::int64_t elements(const Node& node, const Shape& shape) {
  return multiply(node, {shape.channels, shape.height, shape.width});
}

void check_positive(const Node& node, const Shape& shape, std::string_view what) {
  if (shape.channels <= 0 || shape.height <= 0 || shape.width <= 0) {
    fail(node, fmt::format("{} shape {} is not positive", what, shape.to_string()));
  }
  elements(node, shape);
}

// A RELU's mixed activation: checks the mask and replacement against the input
// and counts ReLU and polynomial elements. Replaced elements of a channel whose
// replacement is affine (c2 = 0) cost a local multiply only.
void mixed_activation_cost(const Node& node, const Shape& in, LayerCost& cost) {
  const std::int64_t total = elements(node, in);
  if (!node.replacement.empty() &&
      node.replacement.size() != static_cast<std::size_t>(multiply(node, {3, in.channels}))) {
    fail(node, fmt::format("replacement has {} coefficients, expected 3 per channel ({})",
                           node.replacement.size(), 3 * in.channels));
  }
  for (double coefficient : node.replacement) {
    if (!std::isfinite(coefficient)) fail(node, "replacement coefficients must be finite");
  }
  if (node.relu_mask.empty()) {
    cost.relus = total;
    return;
  }
  if (node.relu_mask.size() != static_cast<std::size_t>(total)) {
    fail(node, fmt::format("relu_mask has {} elements, expected {} for input {}", node.relu_mask.size(), total,
                           in.to_string()));
  }
  const std::int64_t plane = in.height * in.width;
  for (std::int64_t channel = 0; channel < in.channels; ++channel) {
    const bool quadratic = node.replacement_coefficient(channel, 2) != 0.0;
    const bool affine = quadratic || node.replacement_coefficient(channel, 1) != 1.0 ||
                        node.replacement_coefficient(channel, 0) != 0.0;
    for (std::int64_t i = channel * plane; i < (channel + 1) * plane; ++i) {
      const std::uint8_t bit = node.relu_mask[static_cast<std::size_t>(i)];
      if (bit > 1) fail(node, fmt::format("relu_mask element {} is {}, not 0 or 1", i, bit));
      if (bit == 1) {
        ++cost.relus;
      } else if (quadratic) {
        ++cost.polynomial_elements;
        cost.macs += 2;
      } else if (affine) {
        cost.macs += 1;
      }
    }
  }
}

}  // namespace

LayerCost node_cost(const Node& node, std::span<const Shape> inputs) {
  LayerCost cost;
  cost.name = node.name;
  cost.op = node.op;
  const std::size_t count = inputs.size();
  switch (node.op) {
    case OpType::Input:
      expect_inputs(node, count, 0, 0);
      check_positive(node, node.input_shape, "input");
      cost.output = node.input_shape;
      return cost;
    case OpType::Add:
    case OpType::Concat:
      expect_inputs(node, count, 1, static_cast<std::size_t>(-1));
      break;
    case OpType::Unknown:
      fail(node, "unknown op");
    default:
      if (!is_known_op(node.op)) fail(node, "unknown op");
      expect_inputs(node, count, 1, 1);
  }
  const Shape& in = inputs[0];
  check_positive(node, in, "input");
  if (node.op != OpType::ReLU && (!node.relu_mask.empty() || !node.replacement.empty())) {
    fail(node, "only a RELU node may carry relu_mask or replacement");
  }
  switch (node.op) {
    case OpType::Conv: {
      const std::int64_t groups = node.effective_groups();
      if (node.out_channels <= 0) fail(node, fmt::format("out_channels must be positive, is {}", node.out_channels));
      if (groups <= 0 || in.channels % groups != 0 || node.out_channels % groups != 0) {
        fail(node, fmt::format("groups {} must divide input channels {} and out_channels {}",
                               groups, in.channels, node.out_channels));
      }
      const auto stride = node.effective_stride();
      const auto dilation = node.effective_dilation();
      cost.output = {node.out_channels,
                     window_output(node, in.height, node.kernel, stride, node.padding, dilation),
                     window_output(node, in.width, node.kernel, stride, node.padding, dilation)};
      const std::int64_t per_output = multiply(node, {in.channels / groups, node.kernel, node.kernel});
      cost.macs = multiply(node, {per_output, elements(node, cost.output)});
      cost.params = add(node, multiply(node, {per_output, node.out_channels}), node.bias ? node.out_channels : 0);
      return cost;
    }
    case OpType::SeparableConv: {
      if (node.out_channels <= 0) fail(node, fmt::format("out_channels must be positive, is {}", node.out_channels));
      const auto stride = node.effective_stride();
      const auto dilation = node.effective_dilation();
      cost.output = {node.out_channels,
                     window_output(node, in.height, node.kernel, stride, node.padding, dilation),
                     window_output(node, in.width, node.kernel, stride, node.padding, dilation)};
      const std::int64_t pixels = multiply(node, {cost.output.height, cost.output.width});
      const std::int64_t depthwise = multiply(node, {in.channels, node.kernel, node.kernel});
      const std::int64_t pointwise = multiply(node, {in.channels, node.out_channels});
      cost.macs = multiply(node, {add(node, depthwise, pointwise), pixels});
      cost.params = add(node, add(node, depthwise, pointwise), node.bias ? node.out_channels : 0);
      return cost;
    }
    case OpType::BatchNorm:
      cost.output = in;
      cost.params = 2 * in.channels;
      return cost;
    case OpType::ReLU:
      cost.output = in;
      mixed_activation_cost(node, in, cost);
      return cost;
    case OpType::Polynomial:
      if (node.coefficients.empty()) fail(node, "needs at least one coefficient");
      cost.output = in;
      cost.macs = multiply(node, {static_cast<std::int64_t>(node.coefficients.size() - 1), elements(node, in)});
      return cost;
    case OpType::Identity:
    case OpType::Output:
      cost.output = in;
      return cost;
    case OpType::Zero: {
      const std::int64_t stride = node.effective_stride();
      if (stride <= 0) fail(node, fmt::format("stride must be positive, is {}", stride));
      cost.output = {in.channels, (in.height - 1) / stride + 1, (in.width - 1) / stride + 1};
      return cost;
    }
    case OpType::AvgPool:
    case OpType::MaxPool: {
      if (node.padding * 2 > node.kernel) {
        fail(node, fmt::format("padding {} exceeds half the kernel {}", node.padding, node.kernel));
      }
      const auto stride = node.effective_stride();
      cost.output = {in.channels, window_output(node, in.height, node.kernel, stride, node.padding, 1),
                     window_output(node, in.width, node.kernel, stride, node.padding, 1)};
      return cost;
    }
    case OpType::GlobalAvgPool:
      cost.output = {in.channels, 1, 1};
      return cost;
    case OpType::Add:
      for (std::size_t i = 1; i < count; ++i) {
        if (inputs[i] != in) {
          fail(node, fmt::format("shape mismatch: input {} is {} but input 0 is {}", i,
                                 inputs[i].to_string(), in.to_string()));
        }
      }
      cost.output = in;
      return cost;
    case OpType::Concat:
      cost.output = in;
      for (std::size_t i = 1; i < count; ++i) {
        check_positive(node, inputs[i], "input");
        if (inputs[i].height != in.height || inputs[i].width != in.width) {
          fail(node, fmt::format("shape mismatch: input {} is {} but input 0 is {} (height and width must agree)",
                                 i, inputs[i].to_string(), in.to_string()));
        }
        cost.output.channels = add(node, cost.output.channels, inputs[i].channels);
      }
      return cost;
    case OpType::Linear: {
      if (node.out_channels <= 0) fail(node, fmt::format("out_channels must be positive, is {}", node.out_channels));
      const std::int64_t features = elements(node, in);
      cost.output = {node.out_channels, 1, 1};
      cost.macs = multiply(node, {features, node.out_channels});
      cost.params = add(node, cost.macs, node.bias ? node.out_channels : 0);
      return cost;
    }
    case OpType::Flatten:
      cost.output = {elements(node, in), 1, 1};
      return cost;
    default:
      fail(node, "unknown op");
  }
}

CostReport analyze(const Architecture& architecture) {
  const auto order = architecture.topological_order();
  architecture.input_node();
  const NodeId output = architecture.output_node();
  CostReport report;
  report.shapes.assign(architecture.num_nodes(), Shape{});
  report.layers.reserve(order.size());
  std::vector<Shape> input_shapes;
  for (NodeId id : order) {
    input_shapes.clear();
    for (NodeId input : architecture.inputs(id)) input_shapes.push_back(report.shapes[input]);
    const Node& node = architecture.node(id);
    LayerCost cost = node_cost(node, input_shapes);
    cost.node = id;
    report.shapes[id] = cost.output;
    report.relus = add(node, report.relus, cost.relus);
    report.polynomial_elements = add(node, report.polynomial_elements, cost.polynomial_elements);
    report.macs = add(node, report.macs, cost.macs);
    report.params = add(node, report.params, cost.params);
    report.layers.push_back(std::move(cost));
  }
  report.output = report.shapes[output];
  const std::int64_t classes = architecture.num_classes();
  if (classes > 0 && report.output != Shape{classes, 1, 1}) {
    throw GraphError(fmt::format("node '{}': OUTPUT: the logits are {}, expected {}x1x1 for {} classes",
                                 architecture.node(output).name, report.output.to_string(), classes,
                                 classes));
  }
  return report;
}

std::vector<Shape> infer_shapes(const Architecture& architecture) {
  return analyze(architecture).shapes;
}

std::vector<Shape> CostReport::input_shapes(const Architecture& architecture, NodeId id) const {
  std::vector<Shape> result;
  for (NodeId input : architecture.inputs(id)) result.push_back(shapes.at(input));
  return result;
}

}  // namespace pinas::spaces
