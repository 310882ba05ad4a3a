#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "crypto/pi/detail/ring.h"
#include "crypto/pi/fixed_point_evaluator.h"
#include "tests/pi/detail/random_model.h"
#include "tests/pi/detail/session_runner.h"

namespace pinas::pi {
namespace {

// input -> conv -> ReLU -> flatten -> output: the logits are the ReLU layer's
// outputs, so each one can be checked against the exact ReLU.
pb::Architecture relu_probe(int channels, int size) {
  pb::Architecture architecture;
  architecture.set_name("relu-probe");
  architecture.set_num_classes(channels * size * size);
  auto add = [&](const std::string& name, pb::OpType op, std::vector<std::string> inputs) {
    pb::Node* node = architecture.add_nodes();
    node->set_name(name);
    node->set_op(op);
    for (auto& input : inputs) node->add_inputs(input);
    return node;
  };
  auto* input = add("input", pb::INPUT, {});
  input->mutable_input_shape()->set_channels(2);
  input->mutable_input_shape()->set_height(size);
  input->mutable_input_shape()->set_width(size);
  auto* conv = add("conv", pb::CONV, {"input"});
  conv->set_out_channels(channels);
  conv->set_kernel(3);
  conv->set_padding(1);
  conv->set_bias(true);
  add("relu", pb::RELU, {"conv"});
  add("flatten", pb::FLATTEN, {"relu"});
  add("output", pb::OUTPUT, {"flatten"});
  return architecture;
}

// Circa's expected number of faults (crypto/gc/circa_relu_garbler.h): a
// pre-activation 0 <= x < 2^k is taken as negative with probability
// (2^k - 1 - x) / 2^k; others never are (away from the ring's edge).
double expected_faults(const std::vector<std::uint64_t>& pre_activation, std::uint32_t k,
                       const detail::Ring& ring) {
  double expected = 0;
  const std::int64_t limit = std::int64_t{1} << k;
  for (std::uint64_t value : pre_activation) {
    const std::int64_t x = ring.to_signed(value);
    if (x >= 0 && x < limit)
      expected += static_cast<double>(limit - 1 - x) / static_cast<double>(limit);
  }
  return expected;
}

// The observed fault count must match the model: within 5 standard
// deviations of its mean (a sum of independent Bernoulli variables has a
// variance at most its mean), which an honest run misses with probability
// below 1e-6. So a run with faults expected but none occurring fails.
void expect_fault_count(int errors, double expected, std::uint32_t k) {
  const double tolerance = 5 * std::sqrt(expected) + 1;
  EXPECT_NEAR(errors, expected, tolerance) << "k = " << k;
  if (expected >= 8) {
    EXPECT_GT(errors, 0) << "k = " << k << ": faults expected, none occurred";
  }
}

// Circa's fault model (crypto/gc/circa_relu_garbler.h): the result differs
// from the exact ReLU only where the pre-activation x satisfies 0 <= x < 2^k,
// and then it is 0.
TEST(PrivateInference, CircaSignErrorsOnlyWhereTheValueIsBelowTwoToTheK) {
  double most_expected = 0;
  for (std::uint32_t k : {8u, 12u, 16u}) {
    FixedPointConfig config;
    config.relu_mode = ReluMode::kCirca;
    config.circa_dropped_bits = k;
    auto model = testing::random_model(relu_probe(8, 8), {.seed = k});
    auto pixels = testing::random_pixels(model, k);
    auto network = FixedPointNetwork::compile(model, config);
    auto input = network.quantize_input(pixels);
    auto tensors = evaluate_fixed_point_tensors(network, std::span<const std::uint64_t>(input));
    std::uint32_t pre_activation = 0;
    std::uint32_t pre_scale = 0;
    for (const auto& step : network.steps()) {
      if (std::holds_alternative<GarbledStep>(step.op)) {
        pre_activation = step.inputs[0];
        pre_scale = network.tensors()[pre_activation].scale;
      }
    }
    ASSERT_EQ(pre_scale, 2 * config.fractional_bits);
    auto outcome = testing::run_private_inference(model, config, pixels);
    const auto& expected = tensors[network.output_tensor()];
    ASSERT_EQ(outcome.client.logits_fixed.size(), expected.size());
    detail::Ring ring(config.ring_bits);
    int errors = 0, small = 0;
    for (std::size_t i = 0; i < expected.size(); ++i) {
      const std::int64_t x = ring.to_signed(tensors[pre_activation][i]);
      if (x >= 0 && x < (std::int64_t{1} << k)) ++small;
      if (outcome.client.logits_fixed[i] == expected[i]) continue;
      ++errors;
      EXPECT_GE(x, 0) << "element " << i;
      EXPECT_LT(x, std::int64_t{1} << k) << "element " << i;
      EXPECT_EQ(outcome.client.logits_fixed[i], 0u) << "element " << i;
    }
    EXPECT_LE(errors, small);
    const double faults = expected_faults(tensors[pre_activation], k, ring);
    expect_fault_count(errors, faults, k);
    most_expected = std::max(most_expected, faults);
  }
  // The probe must exercise the fault: at the largest k, faults are expected.
  EXPECT_GE(most_expected, 8.0);
}

// Circa on the exact default program otherwise: a whole mixed network runs.
TEST(PrivateInference, CircaRunsAWholeNetworkCloseToTheReference) {
  FixedPointConfig config;
  config.relu_mode = ReluMode::kCirca;
  config.circa_dropped_bits = 8;
  auto model = testing::random_model(testing::mixed_architecture(3, 8, false),
                                     {.relu_masks = true, .seed = 2});
  auto pixels = testing::random_pixels(model, 4);
  auto network = FixedPointNetwork::compile(model, config);
  auto exact = evaluate_fixed_point(network, std::span<const float>(pixels));
  auto outcome = testing::run_private_inference(model, config, pixels);
  ASSERT_EQ(outcome.client.logits.size(), exact.size());
  for (std::size_t i = 0; i < exact.size(); ++i)
    EXPECT_NEAR(outcome.client.logits[i], exact[i], 0.05);
}

}  // namespace
}  // namespace pinas::pi

namespace pinas::pi {
namespace {

TEST(CircaSimulation, FollowsTheFaultModelAndIsExactWithoutDroppedBits) {
  double most_expected = 0;
  for (std::uint32_t k : {0u, 12u, 16u}) {
    FixedPointConfig config;
    config.relu_mode = ReluMode::kCirca;
    config.circa_dropped_bits = k;
    auto model = testing::random_model(relu_probe(8, 8), {.seed = 3});
    auto network = FixedPointNetwork::compile(model, config);
    auto input = network.quantize_input(testing::random_pixels(model, 3));
    auto exact = evaluate_fixed_point_tensors(network, std::span<const std::uint64_t>(input));
    auto simulated = simulate_circa_tensors(network, std::span<const std::uint64_t>(input), 99);
    detail::Ring ring(config.ring_bits);
    std::uint32_t pre = network.steps().front().output;
    int errors = 0;
    for (std::size_t i = 0; i < exact[network.output_tensor()].size(); ++i) {
      if (simulated[network.output_tensor()][i] == exact[network.output_tensor()][i]) continue;
      ++errors;
      const std::int64_t x = ring.to_signed(exact[pre][i]);
      EXPECT_TRUE(x >= 0 && x < (std::int64_t{1} << k)) << x;
    }
    const double expected = expected_faults(exact[pre], k, ring);
    if (k == 0) {
      EXPECT_EQ(expected, 0.0);
      EXPECT_EQ(errors, 0);
    } else {
      expect_fault_count(errors, expected, k);
      most_expected = std::max(most_expected, expected);
    }
  }
  // The simulation must fault as often as the model says, not just never.
  EXPECT_GE(most_expected, 8.0);
}

}  // namespace
}  // namespace pinas::pi
