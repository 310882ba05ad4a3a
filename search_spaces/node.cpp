#include "search_spaces/node.h"

#include <fmt/format.h>

namespace pinas::spaces {

std::string op_name(OpType op) {
  const auto value = static_cast<int>(op);
  if (is_known_op(op)) return pb::OpType_Name(static_cast<pb::OpType>(value));
  return fmt::format("OP_UNKNOWN({})", value);
}

bool is_known_op(OpType op) {
  const auto value = static_cast<int>(op);
  return value >= static_cast<int>(OpType::Input) && value <= static_cast<int>(OpType::Output);
}

std::string Shape::to_string() const { return fmt::format("{}x{}x{}", channels, height, width); }

pb::Shape Shape::to_proto() const {
  pb::Shape shape;
  shape.set_channels(channels);
  shape.set_height(height);
  shape.set_width(width);
  return shape;
}

Shape Shape::from_proto(const pb::Shape& shape) {
  return {shape.channels(), shape.height(), shape.width()};
}

pb::Node Node::to_proto(const std::vector<std::string>& inputs) const {
  pb::Node proto;
  proto.set_name(name);
  proto.set_op(static_cast<pb::OpType>(static_cast<int>(op)));
  for (const auto& input : inputs) proto.add_inputs(input);
  proto.set_out_channels(out_channels);
  proto.set_kernel(kernel);
  proto.set_stride(stride);
  proto.set_padding(padding);
  proto.set_dilation(dilation);
  proto.set_groups(groups);
  proto.set_bias(bias);
  for (double coefficient : coefficients) proto.add_coefficients(coefficient);
  if (op == OpType::Input || input_shape != Shape{}) *proto.mutable_input_shape() = input_shape.to_proto();
  if (!relu_mask.empty()) proto.set_relu_mask(std::string(relu_mask.begin(), relu_mask.end()));
  for (double coefficient : replacement) proto.add_replacement(coefficient);
  return proto;
}

Node Node::from_proto(const pb::Node& proto) {
  Node node;
  node.name = proto.name();
  node.op = static_cast<OpType>(static_cast<int>(proto.op()));
  node.out_channels = proto.out_channels();
  node.kernel = proto.kernel();
  node.stride = proto.stride();
  node.padding = proto.padding();
  node.dilation = proto.dilation();
  node.groups = proto.groups();
  node.bias = proto.bias();
  node.coefficients.assign(proto.coefficients().begin(), proto.coefficients().end());
  if (proto.has_input_shape()) node.input_shape = Shape::from_proto(proto.input_shape());
  node.relu_mask.assign(proto.relu_mask().begin(), proto.relu_mask().end());
  node.replacement.assign(proto.replacement().begin(), proto.replacement().end());
  return node;
}

}  // namespace pinas::spaces
