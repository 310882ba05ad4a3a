// The model builder against the IR: every op, shapes, parameter and ReLU
// counts on random members of every search space, masks and polynomials.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <random>

#include "search_spaces/cost_report.h"
#include "search_spaces/presets.h"
#include "search_spaces/search_space.h"
#include "train/network.h"

namespace pinas::train {
namespace {

using spaces::Architecture;
using spaces::Node;
using spaces::OpType;

Node make_node(const std::string& name, OpType op) {
  Node node;
  node.name = name;
  node.op = op;
  return node;
}

Node conv(const std::string& name, int64_t out, int kernel, int stride, int padding, bool bias) {
  Node node = make_node(name, OpType::Conv);
  node.out_channels = out;
  node.kernel = kernel;
  node.stride = stride;
  node.padding = padding;
  node.bias = bias;
  return node;
}

// A hand-made network using every IR op once.
Architecture every_op_architecture() {
  Architecture architecture("every-op", 5);
  Node input = make_node("input", OpType::Input);
  input.input_shape = {3, 8, 8};
  auto in = architecture.add_node(input, {});
  auto c1 = architecture.add_node(conv("conv", 4, 3, 1, 1, true), {in});
  auto bn = architecture.add_node(make_node("bn", OpType::BatchNorm), {c1});
  auto relu = architecture.add_node(make_node("relu", OpType::ReLU), {bn});
  Node separable = make_node("sep", OpType::SeparableConv);
  separable.out_channels = 4;
  separable.kernel = 3;
  separable.padding = 2;
  separable.dilation = 2;
  separable.bias = true;
  auto sep = architecture.add_node(separable, {relu});
  Node polynomial = make_node("poly", OpType::Polynomial);
  polynomial.coefficients = {0.5, 1.0, 0.25};
  auto poly = architecture.add_node(polynomial, {sep});
  auto identity = architecture.add_node(make_node("skip", OpType::Identity), {relu});
  auto add = architecture.add_node(make_node("add", OpType::Add), {poly, identity});
  Node zero = make_node("zero", OpType::Zero);
  zero.stride = 2;
  auto zeros = architecture.add_node(zero, {add});
  Node average = make_node("avg", OpType::AvgPool);
  average.kernel = 3;
  average.stride = 2;
  average.padding = 1;
  auto avg = architecture.add_node(average, {add});
  Node maximum = make_node("max", OpType::MaxPool);
  maximum.kernel = 2;
  maximum.stride = 2;
  auto max = architecture.add_node(maximum, {add});
  auto cat = architecture.add_node(make_node("cat", OpType::Concat), {avg, max, zeros});
  auto gap = architecture.add_node(make_node("gap", OpType::GlobalAvgPool), {cat});
  auto flat_source = architecture.add_node(make_node("flat", OpType::Flatten), {cat});
  Node linear = make_node("fc", OpType::Linear);
  linear.out_channels = 5;
  linear.bias = true;
  auto fc = architecture.add_node(linear, {flat_source});
  Node linear2 = make_node("fc_gap", OpType::Linear);
  linear2.out_channels = 5;
  auto fc2 = architecture.add_node(linear2, {gap});
  auto logits = architecture.add_node(make_node("sum", OpType::Add), {fc, fc2});
  architecture.add_node(make_node("output", OpType::Output), {logits});
  return architecture;
}

torch::Tensor parameter(NetworkImpl& network, const std::string& node, const std::string& role) {
  for (const auto& item : network.node_tensors()) {
    if (item.node == node && item.role == role) return item.tensor;
  }
  ADD_FAILURE() << "no tensor " << node << "/" << role;
  return {};
}

TEST(NetworkTest, EveryOpMatchesAPlainTorchComputation) {
  const Architecture architecture = every_op_architecture();
  Network network(architecture, 7);
  network->eval();
  torch::manual_seed(3);
  // Non-trivial running statistics so that eval-mode BN is really exercised.
  parameter(*network, "bn", "running_mean").uniform_(-0.5, 0.5);
  parameter(*network, "bn", "running_var").uniform_(0.5, 2.0);
  const auto x = torch::randn({2, 3, 8, 8});
  const auto logits = network->forward(x);

  namespace F = torch::nn::functional;
  auto p = [&](const std::string& node, const std::string& role) { return parameter(*network, node, role); };
  auto y = torch::conv2d(x, p("conv", "weight"), p("conv", "bias"), 1, 1);
  y = torch::batch_norm(y, p("bn", "weight"), p("bn", "bias"), p("bn", "running_mean"), p("bn", "running_var"),
                        false, 0.1, 1e-5, false);
  const auto r = torch::relu(y);
  auto s = torch::conv2d(r, p("sep", "depthwise_weight"), {}, 1, 2, 2, 4);
  s = torch::conv2d(s, p("sep", "pointwise_weight"), p("sep", "bias"));
  const auto poly = 0.5 + s + 0.25 * s * s;
  const auto add = poly + r;
  const auto avg = torch::avg_pool2d(add, 3, 2, 1, false, true);
  const auto max = torch::max_pool2d(add, 2, 2);
  const auto zeros = torch::zeros({2, 4, 4, 4});
  const auto cat = torch::cat({avg, max, zeros}, 1);
  const auto fc = F::linear(cat.flatten(1), p("fc", "weight"), p("fc", "bias"));
  const auto fc2 = F::linear(cat.mean({2, 3}), p("fc_gap", "weight"));
  const auto expected = fc + fc2;
  ASSERT_EQ(logits.sizes(), expected.sizes());
  EXPECT_TRUE(torch::allclose(logits, expected, 1e-5, 1e-5)) << (logits - expected).abs().max().item<float>();

  const auto report = spaces::analyze(architecture);
  EXPECT_EQ(network->weight_count(), report.params);
  EXPECT_EQ(network->last_relus_per_example(), report.relus);
}

TEST(NetworkTest, SameSeedSameWeightsDifferentSeedDifferent) {
  const Architecture architecture = spaces::make_preset("cryptonas-fmnist");
  Network first(architecture, 11), second(architecture, 11), third(architecture, 12);
  auto a = first->parameters(), b = second->parameters(), c = third->parameters();
  ASSERT_EQ(a.size(), b.size());
  bool any_different = false;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(torch::equal(a[i], b[i]));
    any_different |= !torch::equal(a[i], c[i]);
  }
  EXPECT_TRUE(any_different);
}

TEST(NetworkTest, ReLUMaskMakesMaskedElementsIdentityAndCountsOnlyTheRest) {
  const Architecture architecture = spaces::make_preset("cryptonas-fmnist");
  Network network(architecture, 1);
  network->eval();
  const auto report = spaces::analyze(architecture);
  ASSERT_EQ(report.relus, 6 * 28 * 28 * 16);
  // The first RELU node in topological order.
  std::string relu_name;
  spaces::NodeId relu_id = 0;
  for (auto id : architecture.topological_order()) {
    if (architecture.node(id).op == OpType::ReLU) {
      relu_name = architecture.node(id).name;
      relu_id = id;
      break;
    }
  }
  ASSERT_FALSE(relu_name.empty());
  const auto shape = report.shape(relu_id);
  torch::manual_seed(5);
  auto mask = (torch::rand({shape.channels, shape.height, shape.width}) < 0.3).to(torch::kFloat32);
  const int64_t kept = mask.sum().item<int64_t>();
  network->set_relu_mask(relu_name, mask);
  const auto x = torch::randn({2, 1, 28, 28});
  const auto outputs = network->forward_all(x);
  EXPECT_EQ(network->last_relus_per_example(), report.relus - shape.elements() + kept);
  const auto& before = outputs[architecture.inputs(relu_id)[0]];
  const auto expected = torch::where(mask.to(torch::kBool), torch::relu(before), before);
  EXPECT_TRUE(torch::equal(outputs[relu_id], expected));
  // A mask of the wrong shape or with other values is refused.
  EXPECT_THROW(network->set_relu_mask(relu_name, torch::ones({1, 2, 3})), Error);
  EXPECT_THROW(network->set_relu_mask(relu_name, mask * 2), Error);
  EXPECT_THROW(network->set_relu_mask("no-such-node", mask), Error);
}

TEST(NetworkTest, RefusesAnInputOfTheWrongShape) {
  Network network(spaces::make_preset("cryptonas-fmnist"), 1);
  EXPECT_THROW(network->forward(torch::zeros({1, 3, 28, 28})), Error);
}

// Random members of every space on a small input: built module's parameter
// count, every node's output shape and the ReLUs executed equal the IR's.
TEST(NetworkTest, RandomMembersOfEverySpaceMatchTheIR) {
  std::mt19937_64 random(20240601);
  for (const std::string& space_name : spaces::search_space_names()) {
    auto space = spaces::make_search_space(space_name);
    int built = 0;
    for (int attempt = 0; attempt < 40 && built < 3; ++attempt) {
      const auto genotype = space->sample(random);
      Architecture architecture;
      try {
        architecture = space->build(genotype, {3, 16, 16}, 10);
      } catch (const spaces::GraphError&) {
        continue;  // too many reductions for a 16x16 input
      }
      const auto report = spaces::analyze(architecture);
      if (report.params > 3'000'000) continue;  // keep the test fast
      ++built;
      SCOPED_TRACE(space_name + " " + architecture.genotype());
      Network network(architecture, static_cast<uint64_t>(attempt));
      network->train();
      const auto outputs = network->forward_all(torch::randn({2, 3, 16, 16}));
      for (spaces::NodeId id = 0; id < architecture.num_nodes(); ++id) {
        const auto& shape = report.shape(id);
        const auto& tensor = outputs[id];
        ASSERT_EQ(tensor.dim(), 4) << architecture.node(id).name;
        EXPECT_EQ(tensor.size(0), 2);
        EXPECT_EQ(tensor.size(1), shape.channels) << architecture.node(id).name;
        EXPECT_EQ(tensor.size(2), shape.height) << architecture.node(id).name;
        EXPECT_EQ(tensor.size(3), shape.width) << architecture.node(id).name;
      }
      EXPECT_EQ(network->weight_count(), report.params);
      EXPECT_EQ(network->last_relus_per_example(), report.relus);
      // Gradients reach every trainable tensor.
      network->forward(torch::randn({2, 3, 16, 16})).sum().backward();
    }
    EXPECT_GT(built, 0) << space_name;
  }
}

TEST(NetworkTest, PresetsMatchTheirReLUCounts) {
  for (const std::string name : {"cryptonas-fmnist", "resnet20-cifar", "nb201-resnet", "sphynx-c10"}) {
    SCOPED_TRACE(name);
    const auto architecture = spaces::make_preset(name);
    Network network(architecture, 1);
    network->eval();
    torch::NoGradGuard no_grad;
    const auto& shape = architecture.node(architecture.input_node()).input_shape;
    const auto logits = network->forward(torch::randn({1, shape.channels, shape.height, shape.width}));
    const auto report = spaces::analyze(architecture);
    EXPECT_EQ(logits.size(1), report.output.elements());
    EXPECT_EQ(network->last_relus_per_example(), report.relus);
    EXPECT_EQ(network->weight_count(), report.params);
  }
}

}  // namespace
}  // namespace pinas::train
