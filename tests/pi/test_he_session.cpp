#include <gtest/gtest.h>

#include <random>

#include "crypto/pi/fixed_point_evaluator.h"
#include "search_spaces/errors.h"
#include "search_spaces/search_space.h"
#include "tests/pi/detail/random_model.h"
#include "tests/pi/detail/session_runner.h"

namespace pinas::pi {
namespace {

std::vector<std::uint64_t> reference_logits(const pb::Model& model, const FixedPointConfig& config,
                                            const std::vector<float>& pixels) {
  auto network = FixedPointNetwork::compile(model, config);
  auto input = network.quantize_input(pixels);
  return evaluate_fixed_point(network, std::span<const std::uint64_t>(input));
}

FixedPointConfig he_config(std::uint32_t ring_bits = 48) {
  FixedPointConfig config;
  config.ring_bits = ring_bits;
  config.linear_backend = LinearBackend::kHe;
  return config;
}

pb::Genotype narrowed(pb::Genotype genotype) {
  if (genotype.has_cryptonas()) genotype.mutable_cryptonas()->set_channels(4);
  if (genotype.has_sphynx()) genotype.mutable_sphynx()->set_channels(4);
  if (genotype.has_resnet()) genotype.mutable_resnet()->set_channel_scale(0.125);
  return genotype;
}

class HeSpaceInference : public ::testing::TestWithParam<std::string> {};

// Acceptance: with the HE backend, private inference over loopback TCP equals
// the plaintext fixed-point reference bit for bit for 20 random-weight
// architectures sampled from every search space.
TEST_P(HeSpaceInference, SampledArchitecturesMatchTheReferenceBitForBit) {
  const std::string name = GetParam();
  auto space = spaces::make_search_space(name);
  std::mt19937_64 random(77);
  int checked = 0;
  for (int attempt = 0; attempt < 80 && checked < 20; ++attempt) {
    auto genotype = narrowed(space->sample(random));
    try {
      space->check(genotype);
    } catch (const spaces::SpaceError&) {
      genotype = space->sample(random);
    }
    pb::Architecture architecture;
    bool built = false;
    for (spaces::Shape input : {spaces::Shape{3, 8, 8}, spaces::Shape{1, 16, 16}}) {
      try {
        architecture = space->build(genotype, input, 10).to_proto();
        built = true;
        break;
      } catch (const spaces::GraphError&) {
      }
    }
    if (!built) continue;
    auto model =
        testing::random_model(architecture, {.seed = static_cast<std::uint64_t>(attempt + 100)});
    auto pixels = testing::random_pixels(model, static_cast<std::uint64_t>(attempt));
    const auto config = he_config();
    auto network = FixedPointNetwork::compile(model, config);
    if (network.linear_macs() > 6'000'000) continue;  // keep CI short
    auto outcome = testing::run_private_inference(model, config, pixels);
    EXPECT_EQ(outcome.client.logits_fixed, reference_logits(model, config, pixels))
        << name << ": " << space->describe(genotype);
    ASSERT_FALSE(outcome.server.linear_layers.empty());
    EXPECT_EQ(outcome.server.linear_layers.front().backend, "he");
    ++checked;
  }
  EXPECT_EQ(checked, 20) << name;
}

INSTANTIATE_TEST_SUITE_P(EverySpace, HeSpaceInference,
                         ::testing::ValuesIn(spaces::search_space_names()));

// The hand-made network with every op kind, at several rings; ReLU masks;
// polynomial activations (their element-wise products go over COT).
TEST(HePrivateInference, MixedNetworkMasksAndPolynomialsMatchTheReference) {
  for (std::uint32_t ring_bits : {64u, 40u, 32u}) {
    const auto config = he_config(ring_bits);
    auto model =
        testing::random_model(testing::mixed_architecture(3, 8, false), {.seed = ring_bits});
    auto pixels = testing::random_pixels(model, 1);
    auto outcome = testing::run_private_inference(model, config, pixels);
    EXPECT_EQ(outcome.client.logits_fixed, reference_logits(model, config, pixels)) << ring_bits;
  }
  {
    const auto config = he_config();
    auto model = testing::random_model(testing::mixed_architecture(3, 8, false),
                                       {.relu_masks = true, .seed = 6});
    auto pixels = testing::random_pixels(model, 3);
    EXPECT_EQ(testing::run_private_inference(model, config, pixels).client.logits_fixed,
              reference_logits(model, config, pixels));
  }
  {
    const auto config = he_config();
    auto model = testing::random_model(testing::mixed_architecture(1, 8, true), {.seed = 5});
    auto pixels = testing::random_pixels(model, 2);
    auto outcome = testing::run_private_inference(model, config, pixels);
    EXPECT_EQ(outcome.client.logits_fixed, reference_logits(model, config, pixels));
    bool saw_cot = false;
    for (const auto& layer : outcome.server.linear_layers)
      saw_cot = saw_cot || layer.backend == "cot";
    EXPECT_TRUE(saw_cot);
  }
}

}  // namespace
}  // namespace pinas::pi
