#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "crypto/circuits/share_circuits.h"
#include "crypto/pi/detail/ring.h"
#include "crypto/pi/fixed_point_evaluator.h"
#include "crypto/pi/fixed_point_network.h"
#include "crypto/pi/pi_error.h"
#include "search_spaces/presets.h"
#include "search_spaces/search_space.h"
#include "tests/pi/detail/float_reference.h"
#include "tests/pi/detail/random_model.h"

namespace pinas::pi {
namespace {

using testing::evaluate_float;
using testing::mixed_architecture;
using testing::random_model;
using testing::random_pixels;

double max_abs(const std::vector<double>& values) {
  double m = 0;
  for (double v : values) m = std::max(m, std::abs(v));
  return m;
}

// The largest |fixed - float| relative to the float logits' scale.
double relative_error(const std::vector<double>& fixed, const std::vector<double>& reference) {
  EXPECT_EQ(fixed.size(), reference.size());
  double error = 0;
  for (std::size_t i = 0; i < fixed.size(); ++i) error = std::max(error, std::abs(fixed[i] - reference[i]));
  return error / std::max(1.0, max_abs(reference));
}

TEST(Ring, TruncationMatchesTheCircuitReferences) {
  std::mt19937_64 random(7);
  for (std::uint32_t bits : {16u, 32u, 41u, 64u}) {
    detail::Ring ring(bits);
    for (int i = 0; i < 1000; ++i) {
      std::uint64_t x = ring.reduce(random());
      std::uint32_t shift = static_cast<std::uint32_t>(random() % 12);
      EXPECT_EQ(ring.truncate(x, shift), crypto::truncation_reference(x, bits, shift));
      std::uint64_t relu = ring.to_signed(x) < 0 ? 0 : x;
      EXPECT_EQ(ring.truncate(relu, shift), crypto::relu_reference(x, bits, shift));
    }
  }
}

TEST(FixedPointReference, LargestMagnitudeReadsTwosComplement) {
  const std::vector<std::uint64_t> ring8 = {0x7f, 0xff, 0x01, 0x100};  // 127, -1, 1, 0 (high bits ignored)
  EXPECT_EQ(largest_magnitude(8, ring8), 127u);
  const std::vector<std::uint64_t> most_negative8 = {0x80, 0x05};
  EXPECT_EQ(largest_magnitude(8, most_negative8), 128u);
  const std::vector<std::uint64_t> ring64 = {std::uint64_t{1} << 63, 3};
  EXPECT_EQ(largest_magnitude(64, ring64), std::uint64_t{1} << 63);
  EXPECT_EQ(largest_magnitude(48, {}), 0u);
}

TEST(Ring, EncodeDecodeRoundTrips) {
  detail::Ring ring(32);
  EXPECT_EQ(ring.decode(ring.encode(-1.5, 12), 12), -1.5);
  EXPECT_EQ(ring.to_signed(ring.from_signed(-3)), -3);
  EXPECT_EQ(ring.truncate(ring.from_signed(-5), 1), ring.from_signed(-3));  // floor
}

TEST(FixedPointConfig, RejectsOutOfRangeValues) {
  FixedPointConfig config;
  config.ring_bits = 70;
  EXPECT_THROW(config.validate(), UsageError);
  config = {};
  config.fractional_bits = 30;
  EXPECT_THROW(config.validate(), UsageError);
  config = {};
  config.scale_limit = 64;
  EXPECT_THROW(config.validate(), UsageError);
  FixedPointConfig{}.validate();
}

TEST(FixedPointNetwork, FoldsBatchNormIntoThePrecedingConv) {
  auto model = random_model(mixed_architecture(3, 8, false), {});
  auto network = FixedPointNetwork::compile(model, {});
  int linear = 0;
  bool stem_batch_norm_step = false, late_batch_norm_step = false;
  for (const auto& step : network.steps()) {
    if (std::holds_alternative<LinearStep>(step.op)) ++linear;
    stem_batch_norm_step = stem_batch_norm_step || step.node == "stem_bn";
    late_batch_norm_step = late_batch_norm_step || step.node == "bn";
  }
  EXPECT_FALSE(stem_batch_norm_step);  // folded into "stem"
  EXPECT_TRUE(late_batch_norm_step);   // after an ADD: a per-channel affine step
  EXPECT_EQ(linear, 7);  // stem, conv, separable (2), grouped, bn, fc
}

TEST(FixedPointNetwork, MatchesTheFloatReference) {
  for (bool polynomial : {false, true}) {
    for (std::uint64_t seed = 1; seed <= 4; ++seed) {
      auto model = random_model(mixed_architecture(3, 8, polynomial), {.seed = seed});
      auto pixels = random_pixels(model, seed);
      auto reference = evaluate_float(model, pixels);
      for (std::uint32_t ring_bits : {64u, 48u}) {
        FixedPointConfig config;
        config.ring_bits = ring_bits;
        auto network = FixedPointNetwork::compile(model, config);
        auto fixed = evaluate_fixed_point(network, std::span<const float>(pixels));
        EXPECT_LT(relative_error(fixed, reference), 0.01)
            << "seed " << seed << " polynomial " << polynomial << " ring " << ring_bits;
      }
    }
  }
}

TEST(FixedPointNetwork, HonoursReluMasks) {
  auto model = random_model(mixed_architecture(1, 8, false), {.relu_masks = true, .seed = 3});
  auto pixels = random_pixels(model, 3);
  auto network = FixedPointNetwork::compile(model, {});
  EXPECT_LT(network.relu_count(), 4 * 8 * 8 * 2 + 6 * 2 * 2);
  EXPECT_GT(network.truncation_count(), 0);
  EXPECT_LT(relative_error(evaluate_fixed_point(network, std::span<const float>(pixels)),
                           evaluate_float(model, pixels)),
            0.01);
}

TEST(FixedPointNetwork, PublicDescriptionHasTheSameStructure) {
  auto model = random_model(mixed_architecture(3, 8, true), {.relu_masks = true});
  auto full = FixedPointNetwork::compile(model, {});
  auto description = FixedPointNetwork::public_description(model);
  for (const auto& parameters : description.parameters()) {
    for (const auto& [role, tensor] : parameters.tensors()) {
      EXPECT_TRUE(role == "mask" || role == "coefficients") << role;
    }
  }
  auto structure = FixedPointNetwork::compile(description, {}, true);
  EXPECT_EQ(full.structure_digest(), structure.structure_digest());
  FixedPointConfig other;
  other.fractional_bits = 11;
  EXPECT_NE(full.structure_digest(), FixedPointNetwork::compile(model, other).structure_digest());
}

TEST(FixedPointNetwork, RefusesBadParameters) {
  auto model = random_model(mixed_architecture(3, 8, false), {});
  pb::Model missing = model;
  for (auto& parameters : *missing.mutable_parameters()) {
    if (parameters.node() == "stem") parameters.mutable_tensors()->erase("weight");
  }
  EXPECT_THROW(FixedPointNetwork::compile(missing, {}), CompileError);
  pb::Model misshapen = model;
  for (auto& parameters : *misshapen.mutable_parameters()) {
    if (parameters.node() == "fc") (*parameters.mutable_tensors())["weight"].add_values(1.0f);
  }
  EXPECT_THROW(FixedPointNetwork::compile(misshapen, {}), CompileError);
  pb::Model huge = model;
  for (auto& parameters : *huge.mutable_parameters()) {
    if (parameters.node() == "fc") (*parameters.mutable_tensors())["weight"].set_values(0, 1e6f);
  }
  EXPECT_THROW(FixedPointNetwork::compile(huge, {}), CompileError);
  auto network = FixedPointNetwork::compile(model, {});
  std::vector<float> wrong_size(5, 0.0f);
  EXPECT_THROW(evaluate_fixed_point(network, std::span<const float>(wrong_size)), UsageError);
}

TEST(FixedPointNetwork, CompilesSampledArchitecturesOfEverySpace) {
  int compiled = 0;
  for (const auto& name : spaces::search_space_names()) {
    auto space = spaces::make_search_space(name);
    std::mt19937_64 random(11);
    for (int i = 0; i < 3; ++i) {
      auto genotype = space->sample(random);
      if (genotype.has_cryptonas()) genotype.mutable_cryptonas()->set_channels(4);
      if (genotype.has_sphynx()) genotype.mutable_sphynx()->set_channels(4);
      if (genotype.has_resnet()) genotype.mutable_resnet()->set_channel_scale(0.125);
      auto architecture = space->build(genotype, {3, 16, 16}, 10).to_proto();
      auto model = random_model(architecture, {.seed = static_cast<std::uint64_t>(i + 1)});
      auto pixels = random_pixels(model, 5);
      auto network = FixedPointNetwork::compile(model, {});
      auto fixed = evaluate_fixed_point(network, std::span<const float>(pixels));
      // Random weights leave logits close together, so the relative error
      // is a few times 2^-f (measured up to 2.8% at the default f = 10).
      EXPECT_LT(relative_error(fixed, evaluate_float(model, pixels)), 0.05)
          << name << " " << space->describe(genotype);
      ++compiled;
    }
  }
  EXPECT_GE(compiled, 12);
}

}  // namespace
}  // namespace pinas::pi

namespace pinas::pi {
namespace {

TEST(FixedPointNetwork, CompilesTheCnet1PresetWithItsReluCount) {
  auto architecture = spaces::make_preset("cryptonas-cnet1").to_proto();
  auto model = testing::random_model(architecture, {});
  auto network = FixedPointNetwork::compile(model, {});
  EXPECT_EQ(network.relu_count(), 86016);
  std::int64_t linear_layers = 0, max_weights = 0, garbled = 0;
  for (const auto& step : network.steps()) {
    if (const auto* linear = std::get_if<LinearStep>(&step.op)) {
      ++linear_layers;
      max_weights = std::max(max_weights, linear->geometry.weight_count());
    }
    garbled += std::holds_alternative<GarbledStep>(step.op) ? 1 : 0;
  }
  std::printf("cnet1: %lld linear layers, %lld MACs, %lld garbled steps, %lld truncations\n",
              static_cast<long long>(linear_layers), static_cast<long long>(network.linear_macs()),
              static_cast<long long>(garbled), static_cast<long long>(network.truncation_count()));
}

}  // namespace
}  // namespace pinas::pi
