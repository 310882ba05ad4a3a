#include <gtest/gtest.h>

#include <random>

#include "crypto/pi/detail/ring.h"
#include "crypto/pi/detail/tensor_ops.h"
#include "crypto/pi/fixed_point_evaluator.h"
#include "search_spaces/search_space.h"
#include "tests/pi/detail/random_model.h"
#include "tests/pi/detail/session_runner.h"

namespace pinas::pi {
namespace {

using testing::mixed_architecture;
using testing::random_model;
using testing::random_pixels;
using testing::run_private_inference;

std::vector<std::uint64_t> reference_logits(const pb::Model& model, const FixedPointConfig& config,
                                            const std::vector<float>& pixels) {
  auto network = FixedPointNetwork::compile(model, config);
  auto input = network.quantize_input(pixels);
  return evaluate_fixed_point(network, std::span<const std::uint64_t>(input));
}

TEST(PrivateInference, MixedNetworkMatchesTheReferenceBitForBit) {
  for (std::uint32_t ring_bits : {64u, 40u}) {
    FixedPointConfig config;
    config.ring_bits = ring_bits;
    auto model = random_model(mixed_architecture(3, 8, false), {.seed = ring_bits});
    auto pixels = random_pixels(model, 1);
    auto outcome = run_private_inference(model, config, pixels);
    EXPECT_EQ(outcome.client.logits_fixed, reference_logits(model, config, pixels)) << ring_bits;
    EXPECT_GT(outcome.client.report.offline.bytes_sent, 0u);
    EXPECT_GT(outcome.client.report.online.bytes_received, 0u);
    EXPECT_GT(outcome.client.rounds, 2u);
    EXPECT_FALSE(outcome.server.linear_layers.empty());
    EXPECT_FALSE(outcome.server.garbled_layers.empty());
  }
}

TEST(PrivateInference, PolynomialActivationsMatchTheReference) {
  FixedPointConfig config;
  auto model = random_model(mixed_architecture(1, 8, true), {.seed = 5});
  auto pixels = random_pixels(model, 2);
  auto outcome = run_private_inference(model, config, pixels);
  EXPECT_EQ(outcome.client.logits_fixed, reference_logits(model, config, pixels));
}

TEST(PrivateInference, PartialReluMasksMatchTheReference) {
  FixedPointConfig config;
  auto model = random_model(mixed_architecture(3, 8, false), {.relu_masks = true, .seed = 6});
  auto pixels = random_pixels(model, 3);
  auto outcome = run_private_inference(model, config, pixels);
  EXPECT_EQ(outcome.client.logits_fixed, reference_logits(model, config, pixels));
}

TEST(PrivateInference, MixedActivationsCostOneRoundAndMatchTheReference) {
  // ReLU, polynomial, affine and identity elements in one layer, exact and Circa.
  for (auto mode : {ReluMode::kExact, ReluMode::kCirca}) {
    FixedPointConfig config;
    config.relu_mode = mode;
    auto model = random_model(mixed_architecture(3, 8, false), {.mixed_activations = true, .seed = 8});
    auto pixels = random_pixels(model, 4);
    auto network = FixedPointNetwork::compile(model, config);
    std::int64_t relus = 0, polynomial = 0, mixed_layers = 0;
    for (const auto& node : model.architecture().nodes()) {
      if (node.op() != pb::RELU) continue;
      for (char bit : node.relu_mask()) relus += bit;
    }
    for (const auto& step : network.steps()) {
      const auto* garbled = std::get_if<GarbledStep>(&step.op);
      if (garbled && garbled->mixed()) ++mixed_layers;
    }
    polynomial = network.polynomial_element_count();
    ASSERT_GT(mixed_layers, 0);
    EXPECT_GT(polynomial, 0);
    EXPECT_EQ(network.relu_count(), relus);
    auto outcome = run_private_inference(model, config, pixels);
    // Circa's sign test errs near zero by design (test_circa.cpp bounds it), so
    // only the exact mode is compared bit for bit.
    if (mode == ReluMode::kExact) {
      EXPECT_EQ(outcome.client.logits_fixed, reference_logits(model, config, pixels));
    }
    // Exactly the mask's ReLUs go through garbled circuits.
    std::int64_t garbled_relus = 0;
    for (const auto& layer : outcome.client.report.garbled_layers) {
      if (layer.kind == "relu" || layer.kind == "circa") garbled_relus += layer.elements;
    }
    EXPECT_EQ(garbled_relus, relus);
    // One round per interactive step (a mixed layer's products ride in its
    // circuit's round), plus the output; Circa's sign test takes two.
    std::uint64_t interactive = 0;
    for (const auto& step : network.steps()) {
      if (const auto* garbled = std::get_if<GarbledStep>(&step.op)) {
        const auto elements = static_cast<std::size_t>(network.tensors()[step.inputs[0]].shape.elements());
        bool any = false, relu = false;
        for (std::size_t i = 0; i < elements; ++i) {
          const auto kind = detail::element_kind(*garbled, i);
          any = any || kind == detail::ElementKind::kRelu || kind == detail::ElementKind::kTruncate ||
                kind == detail::ElementKind::kPolynomial;
          relu = relu || kind == detail::ElementKind::kRelu;
        }
        interactive += any ? (mode == ReluMode::kCirca && relu ? 2 : 1) : 0;
      } else if (std::holds_alternative<MaxPoolStep>(step.op) || std::holds_alternative<PolynomialStep>(step.op)) {
        ++interactive;
      }
    }
    EXPECT_EQ(outcome.client.rounds, interactive + 1) << "mode " << static_cast<int>(mode);
  }
}

}  // namespace
}  // namespace pinas::pi
