#include <gtest/gtest.h>

#include <random>

#include "crypto/pi/fixed_point_evaluator.h"
#include "search_spaces/errors.h"
#include "search_spaces/search_space.h"
#include "tests/pi/detail/random_model.h"
#include "tests/pi/detail/session_runner.h"

namespace pinas::pi {
namespace {

// Narrows a sampled genotype so that CI-sized private inference stays fast
// (the decisions that define the architecture's shape are kept).
pb::Genotype narrowed(pb::Genotype genotype) {
  if (genotype.has_cryptonas()) genotype.mutable_cryptonas()->set_channels(4);
  if (genotype.has_sphynx()) genotype.mutable_sphynx()->set_channels(4);
  if (genotype.has_resnet()) genotype.mutable_resnet()->set_channel_scale(0.125);
  return genotype;
}

class SpaceInference : public ::testing::TestWithParam<std::string> {};

// Acceptance: private inference over loopback TCP equals the plaintext
// fixed-point reference exactly, for random-weight networks sampled from
// every search space (5 per space, 4 spaces: 20 architectures, inputs of
// 3x8x8 or, when a space needs more, 1x16x16).
TEST_P(SpaceInference, SampledArchitecturesMatchTheReferenceBitForBit) {
  const std::string name = GetParam();
  auto space = spaces::make_search_space(name);
  std::mt19937_64 random(2024);
  int checked = 0;
  for (int attempt = 0; attempt < 40 && checked < 5; ++attempt) {
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
    auto model = testing::random_model(architecture, {.seed = static_cast<std::uint64_t>(attempt + 1)});
    auto pixels = testing::random_pixels(model, static_cast<std::uint64_t>(attempt));
    FixedPointConfig config;
    config.ring_bits = 48;
    auto network = FixedPointNetwork::compile(model, config);
    if (network.linear_macs() > 6'000'000) continue;  // keep CI short
    auto input = network.quantize_input(pixels);
    auto expected = evaluate_fixed_point(network, std::span<const std::uint64_t>(input));
    auto outcome = testing::run_private_inference(model, config, pixels);
    EXPECT_EQ(outcome.client.logits_fixed, expected) << name << ": " << space->describe(genotype);
    ++checked;
  }
  EXPECT_EQ(checked, 5) << name;
}

INSTANTIATE_TEST_SUITE_P(EverySpace, SpaceInference, ::testing::ValuesIn(spaces::search_space_names()));

}  // namespace
}  // namespace pinas::pi
