#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "proto/architecture.pb.h"

namespace pinas::spaces {

// The operations of the IR. Values equal pb::OpType's, so a static_cast
// converts either way; see proto/architecture.proto for each op's semantics.
enum class OpType : int {
  Unknown = 0,
  Input = 1,
  Conv = 2,
  SeparableConv = 3,
  BatchNorm = 4,
  ReLU = 5,
  Polynomial = 6,
  Identity = 7,
  Zero = 8,
  AvgPool = 9,
  MaxPool = 10,
  GlobalAvgPool = 11,
  Add = 12,
  Concat = 13,
  Linear = 14,
  Flatten = 15,
  Output = 16,
};

// The op's name as in proto (e.g. "CONV", "RELU"); "OP_UNKNOWN(<value>)" for
// values outside the enum. Thread-safe.
std::string op_name(OpType op);

// True for the values listed in OpType other than Unknown.
bool is_known_op(OpType op);

// The shape of one example's tensor, channels x height x width (the batch
// dimension is implicit). After FLATTEN or LINEAR, height = width = 1.
struct Shape {
  std::int64_t channels = 0;
  std::int64_t height = 0;
  std::int64_t width = 0;

  // channels * height * width.
  std::int64_t elements() const { return channels * height * width; }
  // "CxHxW", e.g. "64x32x32".
  std::string to_string() const;
  bool operator==(const Shape&) const = default;

  pb::Shape to_proto() const;
  static Shape from_proto(const pb::Shape& shape);
};

// One IR operation. Attributes are stored exactly as given (so an
// architecture round-trips through protobuf unchanged); stride, dilation and
// groups of 0 are read as 1 by the accessors below, as the proto specifies.
struct Node {
  std::string name;              // unique within the architecture
  OpType op = OpType::Unknown;
  std::int64_t out_channels = 0;  // Conv, SeparableConv, Linear
  std::int32_t kernel = 0;        // Conv, SeparableConv, pools
  std::int32_t stride = 1;        // Conv, SeparableConv, pools, Zero
  std::int32_t padding = 0;
  std::int32_t dilation = 1;
  std::int32_t groups = 1;        // Conv
  bool bias = false;              // Conv, SeparableConv (pointwise part), Linear
  std::vector<double> coefficients;  // Polynomial, lowest degree first
  Shape input_shape;              // Input
  // ReLU only (proto/architecture.proto): per element of the C×H×W input, 1 =
  // ReLU, 0 = replaced; empty = all ReLUs. `replacement` holds c0, c1, c2 per
  // channel for the replaced elements (empty = identity).
  std::vector<std::uint8_t> relu_mask;
  std::vector<double> replacement;

  std::int32_t effective_stride() const { return stride == 0 ? 1 : stride; }
  std::int32_t effective_dilation() const { return dilation == 0 ? 1 : dilation; }
  std::int32_t effective_groups() const { return groups == 0 ? 1 : groups; }

  // ReLU only: whether element `index` (row-major in C×H×W) is a ReLU, and the
  // replacement's coefficient of x^degree for channel `channel` (0 for
  // identity: c1 = 1, c0 = c2 = 0). Require index/channel within the shape.
  bool is_relu_element(std::size_t index) const { return relu_mask.empty() || relu_mask[index] != 0; }
  double replacement_coefficient(std::int64_t channel, int degree) const {
    if (replacement.empty()) return degree == 1 ? 1.0 : 0.0;
    return replacement[static_cast<std::size_t>(3 * channel + degree)];
  }

  bool operator==(const Node&) const = default;

  // Converts to/from the serialized node. `inputs` are the producer names
  // (the Architecture fills them in); from_proto ignores them.
  pb::Node to_proto(const std::vector<std::string>& inputs) const;
  static Node from_proto(const pb::Node& node);
};

}  // namespace pinas::spaces
