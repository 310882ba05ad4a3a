#include <gtest/gtest.h>

#include <random>

#include "crypto/pi/detail/ring.h"
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

}  // namespace
}  // namespace pinas::pi
