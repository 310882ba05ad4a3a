#include <gtest/gtest.h>

#include <string>

#include "search_spaces/architecture.h"
#include "search_spaces/architecture_io.h"
#include "search_spaces/cost_report.h"

namespace pinas::spaces {
namespace {

Node make(std::string name, OpType op) {
  Node node;
  node.name = std::move(name);
  node.op = op;
  return node;
}

Node conv(std::string name, std::int64_t out, int kernel, int stride = 1, int padding = -1) {
  Node node = make(std::move(name), OpType::Conv);
  node.out_channels = out;
  node.kernel = kernel;
  node.stride = stride;
  node.padding = padding < 0 ? kernel / 2 : padding;
  return node;
}

Node input(Shape shape) {
  Node node = make("input", OpType::Input);
  node.input_shape = shape;
  return node;
}

// A small network that uses every op once.
Architecture every_op_network() {
  Architecture a("every_op", 10);
  const NodeId x = a.add_node(input({3, 16, 16}), {});
  const NodeId c = a.add_node(conv("conv", 8, 3), {x});
  const NodeId bn = a.add_node(make("bn", OpType::BatchNorm), {c});
  const NodeId relu = a.add_node(make("relu", OpType::ReLU), {bn});
  Node separable = make("sep", OpType::SeparableConv);
  separable.out_channels = 8;
  separable.kernel = 5;
  separable.padding = 4;
  separable.dilation = 2;
  separable.bias = true;
  const NodeId sep = a.add_node(separable, {relu});
  Node polynomial = make("poly", OpType::Polynomial);
  polynomial.coefficients = {0.25, 0.5, 0.125};
  const NodeId poly = a.add_node(polynomial, {sep});
  const NodeId skip = a.add_node(make("skip", OpType::Identity), {relu});
  Node zero = make("zero", OpType::Zero);
  const NodeId z = a.add_node(zero, {relu});
  const NodeId sum = a.add_node(make("sum", OpType::Add), {poly, skip, z});
  Node average = make("avg", OpType::AvgPool);
  average.kernel = 3;
  average.stride = 2;
  average.padding = 1;
  const NodeId avg = a.add_node(average, {sum});
  Node maximum = make("max", OpType::MaxPool);
  maximum.kernel = 2;
  maximum.stride = 2;
  const NodeId max = a.add_node(maximum, {sum});
  const NodeId cat = a.add_node(make("cat", OpType::Concat), {max, avg});
  const NodeId gap = a.add_node(make("gap", OpType::GlobalAvgPool), {cat});
  const NodeId flat = a.add_node(make("flatten", OpType::Flatten), {gap});
  Node fc = make("fc", OpType::Linear);
  fc.out_channels = 10;
  fc.bias = true;
  const NodeId linear = a.add_node(fc, {flat});
  a.add_node(make("output", OpType::Output), {linear});
  return a;
}

TEST(Architecture, KeepsInputOrderConsumersAndNames) {
  Architecture a("order");
  const NodeId x = a.add_node(input({4, 8, 8}), {});
  const NodeId p = a.add_node(make("p", OpType::Identity), {x});
  const NodeId q = a.add_node(make("q", OpType::Identity), {x});
  const NodeId cat = a.add_node(make("cat", OpType::Concat), {q, p, q});
  EXPECT_EQ(a.inputs(cat), (std::vector<NodeId>{q, p, q}));
  EXPECT_EQ(a.consumers(x), (std::vector<NodeId>{p, q}));
  EXPECT_EQ(a.consumers(q), (std::vector<NodeId>{cat}));
  EXPECT_EQ(a.find("p"), p);
  EXPECT_FALSE(a.find("nope"));
  EXPECT_THROW(a.at("nope"), GraphError);
  EXPECT_THROW(a.add_node(make("p", OpType::ReLU), {x}), GraphError);
  a.rename(p, "renamed");
  EXPECT_EQ(a.at("renamed"), p);
  EXPECT_FALSE(a.find("p"));
  EXPECT_EQ(a.topological_order(), (std::vector<NodeId>{x, p, q, cat}));
  EXPECT_EQ(a.input_node(), x);
  EXPECT_THROW(a.output_node(), GraphError);
}

TEST(Accounting, KnownAnswersForEveryOp) {
  const Architecture a = every_op_network();
  const CostReport report = analyze(a);
  auto layer = [&](const char* name) {
    const NodeId id = a.at(name);
    for (const auto& cost : report.layers) {
      if (cost.node == id) return cost;
    }
    throw std::logic_error("missing layer");
  };
  // conv 3->8, 3x3, 16x16 output: 8*3*9 = 216 weights, 216 * 256 MACs.
  EXPECT_EQ(layer("conv").output, (Shape{8, 16, 16}));
  EXPECT_EQ(layer("conv").macs, 216 * 256);
  EXPECT_EQ(layer("conv").params, 216);
  EXPECT_EQ(layer("bn").params, 16);
  EXPECT_EQ(layer("relu").relus, 8 * 16 * 16);
  // separable 5x5 dilation 2 padding 4: same size; depthwise 8*25, pointwise 8*8, bias 8.
  EXPECT_EQ(layer("sep").output, (Shape{8, 16, 16}));
  EXPECT_EQ(layer("sep").macs, (8 * 25 + 8 * 8) * 256);
  EXPECT_EQ(layer("sep").params, 8 * 25 + 8 * 8 + 8);
  EXPECT_EQ(layer("poly").macs, 2 * 8 * 256);
  EXPECT_EQ(layer("avg").output, (Shape{8, 8, 8}));
  EXPECT_EQ(layer("max").output, (Shape{8, 8, 8}));
  EXPECT_EQ(layer("cat").output, (Shape{16, 8, 8}));
  EXPECT_EQ(layer("gap").output, (Shape{16, 1, 1}));
  EXPECT_EQ(layer("flatten").output, (Shape{16, 1, 1}));
  EXPECT_EQ(layer("fc").macs, 160);
  EXPECT_EQ(layer("fc").params, 170);
  EXPECT_EQ(report.relus, 2048);
  EXPECT_EQ(report.output, (Shape{10, 1, 1}));
  EXPECT_EQ(report.macs, 216 * 256 + (8 * 25 + 8 * 8) * 256 + 2 * 8 * 256 + 160);
  EXPECT_EQ(report.params, 216 + 16 + 8 * 25 + 8 * 8 + 8 + 170);
  EXPECT_EQ(report.layers.size(), a.num_nodes());
  EXPECT_EQ(report.input_shapes(a, a.at("cat")), (std::vector<Shape>{{8, 8, 8}, {8, 8, 8}}));
}

TEST(Accounting, StridedDilatedGroupedConvolution) {
  Architecture a("grouped", 0);
  const NodeId x = a.add_node(input({6, 15, 15}), {});
  Node grouped = conv("grouped", 12, 3, 2, 2);
  grouped.dilation = 2;
  grouped.groups = 3;
  grouped.bias = true;
  const NodeId g = a.add_node(grouped, {x});
  a.add_node(make("output", OpType::Output), {g});
  const CostReport report = analyze(a);
  // span 5, (15 + 4 - 5) / 2 + 1 = 8.
  EXPECT_EQ(report.shape(g), (Shape{12, 8, 8}));
  EXPECT_EQ(report.macs, 12 * 2 * 9 * 64);
  EXPECT_EQ(report.params, 12 * 2 * 9 + 12);
}

void expect_graph_error(const Architecture& a, const std::string& node, const std::string& what) {
  try {
    analyze(a);
    FAIL() << "no error for " << what;
  } catch (const GraphError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("'" + node + "'"), std::string::npos) << message;
    EXPECT_NE(message.find(what), std::string::npos) << message;
  }
}

TEST(Validation, RejectsACycleNamingANodeOnIt) {
  pb::Architecture proto;
  auto add = [&](const char* name, pb::OpType op, std::vector<std::string> inputs) {
    auto& node = *proto.add_nodes();
    node.set_name(name);
    node.set_op(op);
    for (auto& in : inputs) node.add_inputs(in);
    return &node;
  };
  add("input", pb::INPUT, {})->mutable_input_shape()->set_channels(1);
  proto.mutable_nodes(0)->mutable_input_shape()->set_height(4);
  proto.mutable_nodes(0)->mutable_input_shape()->set_width(4);
  add("a", pb::ADD, {"input", "c"});
  add("b", pb::RELU, {"a"});
  add("c", pb::IDENTITY, {"b"});
  add("output", pb::OUTPUT, {"c"});
  const Architecture a = Architecture::from_proto(proto);
  try {
    a.topological_order();
    FAIL() << "cycle not detected";
  } catch (const GraphError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("cycle"), std::string::npos);
    EXPECT_TRUE(message.find("'a'") != std::string::npos || message.find("'b'") != std::string::npos ||
                message.find("'c'") != std::string::npos)
        << message;
  }
  EXPECT_THROW(analyze(a), GraphError);
}

TEST(Validation, RejectsShapeMismatchAtAddAndConcat) {
  Architecture a("mismatch", 0);
  const NodeId x = a.add_node(input({3, 8, 8}), {});
  const NodeId narrow = a.add_node(conv("narrow", 4, 3), {x});
  const NodeId wide = a.add_node(conv("wide", 5, 3), {x});
  const NodeId sum = a.add_node(make("the_sum", OpType::Add), {narrow, wide});
  a.add_node(make("output", OpType::Output), {sum});
  expect_graph_error(a, "the_sum", "shape mismatch");

  Architecture b("concat", 0);
  const NodeId y = b.add_node(input({3, 8, 8}), {});
  const NodeId full = b.add_node(conv("full", 4, 3), {y});
  const NodeId half = b.add_node(conv("half", 4, 3, 2), {y});
  const NodeId cat = b.add_node(make("the_concat", OpType::Concat), {full, half});
  b.add_node(make("output", OpType::Output), {cat});
  expect_graph_error(b, "the_concat", "shape mismatch");
}

TEST(Validation, RejectsDanglingInputs) {
  pb::Architecture proto;
  auto& in = *proto.add_nodes();
  in.set_name("input");
  in.set_op(pb::INPUT);
  auto& relu = *proto.add_nodes();
  relu.set_name("act");
  relu.set_op(pb::RELU);
  relu.add_inputs("ghost");
  try {
    Architecture::from_proto(proto);
    FAIL() << "dangling input accepted";
  } catch (const GraphError& error) {
    EXPECT_NE(std::string(error.what()).find("'act'"), std::string::npos);
    EXPECT_NE(std::string(error.what()).find("ghost"), std::string::npos);
  }
  Architecture a("unfed", 0);
  const NodeId x = a.add_node(input({3, 8, 8}), {});
  const NodeId lonely = a.add_node(conv("lonely", 4, 3), {});
  a.add_node(make("output", OpType::Output), {x});
  (void)lonely;
  expect_graph_error(a, "lonely", "input");
}

TEST(Validation, RejectsUnknownOps) {
  pb::Architecture proto = every_op_network().to_proto();
  proto.mutable_nodes(3)->set_op(static_cast<pb::OpType>(99));
  expect_graph_error(Architecture::from_proto(proto), proto.nodes(3).name(), "unknown op");
  proto.mutable_nodes(3)->set_op(pb::OP_UNKNOWN);
  expect_graph_error(Architecture::from_proto(proto), proto.nodes(3).name(), "unknown op");
}

TEST(Validation, RejectsBadAttributesAndWrongLogits) {
  Architecture a("tiny", 0);
  const NodeId x = a.add_node(input({3, 4, 4}), {});
  const NodeId big = a.add_node(conv("too_big", 4, 7, 1, 0), {x});
  a.add_node(make("output", OpType::Output), {big});
  expect_graph_error(a, "too_big", "kernel");

  Architecture b("groups", 0);
  const NodeId y = b.add_node(input({3, 4, 4}), {});
  Node grouped = conv("grouped", 4, 3);
  grouped.groups = 2;
  const NodeId g = b.add_node(grouped, {y});
  b.add_node(make("output", OpType::Output), {g});
  expect_graph_error(b, "grouped", "groups");

  Architecture c = every_op_network();
  c.set_num_classes(100);
  expect_graph_error(c, "output", "100 classes");

  Architecture huge("huge", 0);
  const NodeId h = huge.add_node(input({1 << 30, 1 << 30, 1 << 30}), {});
  huge.add_node(make("output", OpType::Output), {h});
  expect_graph_error(huge, "input", "overflows");
}

TEST(Serialization, RoundTripsThroughBinaryAndTextUnchanged) {
  const Architecture original = every_op_network();
  const Architecture from_text = from_text_format(to_text_format(original));
  const Architecture from_bytes = from_binary(to_binary(original));
  EXPECT_EQ(from_text, original);
  EXPECT_EQ(from_bytes, original);
  EXPECT_EQ(to_binary(from_text), to_binary(original));
  EXPECT_EQ(to_text_format(from_bytes), to_text_format(original));
  EXPECT_EQ(analyze(from_text).macs, analyze(original).macs);
}

TEST(Serialization, ProtoNodesInAnyOrderBuildTheSameGraph) {
  pb::Architecture proto = every_op_network().to_proto();
  std::reverse(proto.mutable_nodes()->begin(), proto.mutable_nodes()->end());
  const Architecture reversed = Architecture::from_proto(proto);
  const CostReport report = analyze(reversed);
  EXPECT_EQ(report.relus, 2048);
  EXPECT_EQ(report.output, (Shape{10, 1, 1}));
  EXPECT_EQ(reversed.node(reversed.topological_order().front()).op, OpType::Input);
}

TEST(Serialization, TextErrorsNameTheLine) {
  try {
    from_text_format("name: \"x\"\nnodes { name: \"a\" op: NOT_AN_OP }\n", "arch.txt");
    FAIL() << "parsed";
  } catch (const ArchitectureFileError& error) {
    EXPECT_NE(std::string(error.what()).find("arch.txt:2:"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace pinas::spaces
