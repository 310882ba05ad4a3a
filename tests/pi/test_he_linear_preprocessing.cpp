#include <gtest/gtest.h>

#include <cstdio>
#include <random>

#include "crypto/net/two_party_loopback.h"
#include "crypto/pi/detail/ring.h"
#include "crypto/pi/detail/tensor_ops.h"
#include "crypto/pi/he_linear_preprocessing.h"
#include "crypto/pi/pi_error.h"
#include "crypto/pi/random_model.h"
#include "search_spaces/presets.h"

namespace pinas::pi {
namespace {

ConvGeometry conv(spaces::Shape in, std::int64_t out_channels, int kernel, int stride, int padding,
                  int dilation, int groups) {
  ConvGeometry g;
  g.input = in;
  g.kernel = kernel;
  g.stride = stride;
  g.padding = padding;
  g.dilation = dilation;
  g.groups = groups;
  auto size = [&](std::int64_t n) {
    return (n + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
  };
  g.output = {out_channels, size(in.height), size(in.width)};
  return g;
}

// Every geometry the spaces produce: 3x3 and 5x5, strided, dilated, grouped,
// depthwise, 1x1, 7x7 stems, CIFAR-sized layers, and linear classifiers.
HeLayers layers() {
  return {{"conv3x3", conv({3, 8, 8}, 5, 3, 1, 1, 1, 1)},
          {"strided", conv({4, 9, 7}, 6, 3, 2, 1, 1, 1)},
          {"dilated", conv({4, 8, 8}, 4, 3, 1, 2, 2, 1)},
          {"dilated5x5", conv({3, 10, 10}, 4, 5, 1, 4, 2, 1)},
          {"grouped", conv({4, 7, 5}, 6, 3, 2, 2, 2, 2)},
          {"depthwise", conv({6, 6, 6}, 6, 3, 1, 1, 1, 6)},
          {"depthwise5x5", conv({5, 6, 6}, 5, 5, 2, 2, 1, 5)},
          {"pointwise", conv({6, 6, 6}, 7, 1, 1, 0, 1, 1)},
          {"stem7x7", conv({3, 16, 16}, 4, 7, 2, 3, 1, 1)},
          {"cifar", conv({14, 32, 32}, 14, 3, 1, 1, 1, 1)},
          {"linear", conv({300, 1, 1}, 10, 1, 1, 0, 1, 1)},
          {"wide_linear", conv({9000, 1, 1}, 10, 1, 1, 0, 1, 1)}};
}

class HeLinearLayers : public ::testing::TestWithParam<std::uint32_t> {};

// Over loopback TCP: the server's and the client's shares sum to W·c mod 2^ℓ
// exactly, for every geometry, at ℓ in {16, 32, 48, 64}.
TEST_P(HeLinearLayers, SharesSumToTheLinearMapOfTheClientShare) {
  const std::uint32_t ring_bits = GetParam();
  FixedPointConfig config;
  config.ring_bits = ring_bits;
  config.fractional_bits = 5;
  config.linear_backend = LinearBackend::kHe;
  const auto cases = layers();
  detail::Ring ring(ring_bits);
  std::mt19937_64 random(ring_bits);
  std::vector<std::vector<std::uint64_t>> weights, inputs, server_out(cases.size()),
      client_out(cases.size());
  for (const auto& [node, g] : cases) {
    std::vector<std::uint64_t> w(static_cast<std::size_t>(g.weight_count()));
    const std::int64_t limit = std::int64_t{1} << (config.effective_weight_bits() - 1);
    for (auto& value : w)
      value = ring.from_signed(static_cast<std::int64_t>(random() % (2 * limit)) - limit);
    w[0] = ring.from_signed(-limit);  // the extremes of the weight range
    w[1] = ring.from_signed(limit - 1);
    weights.push_back(w);
    std::vector<std::uint64_t> x(static_cast<std::size_t>(g.input.elements()));
    for (auto& value : x) value = ring.reduce(random());
    inputs.push_back(x);
  }
  std::uint64_t client_sent = 0;
  crypto::run_two_parties_over_loopback(
      [&](crypto::Channel& channel) {
        HeLinearPreprocessing server(true, channel, config, cases);
        server.setup();
        for (std::size_t i = 0; i < cases.size(); ++i) {
          server_out[i] =
              server.server_linear(cases[i].first, LinearStep{cases[i].second, weights[i], {}});
        }
        EXPECT_EQ(server.costs().size(), cases.size());
      },
      [&](crypto::Channel& channel) {
        HeLinearPreprocessing client(false, channel, config, cases);
        client.setup();
        for (std::size_t i = 0; i < cases.size(); ++i) {
          client_out[i] = client.client_linear(cases[i].first, cases[i].second, inputs[i]);
        }
        std::uint64_t client_received = 0;
        for (const auto& cost : client.costs()) {
          client_sent += cost.bytes_sent;
          client_received += cost.bytes_received;
        }
        // The plans' byte counts are exactly what went over the wire.
        std::uint64_t planned_up = 0, planned_down = 0;
        for (const auto& [node, plan] : client.plans()) {
          planned_up += plan.client_bytes;
          planned_down += plan.server_bytes;
        }
        EXPECT_EQ(client_sent, planned_up);
        EXPECT_EQ(client_received, planned_down);
      });
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& g = cases[i].second;
    std::vector<std::uint64_t> expected(static_cast<std::size_t>(g.output.elements()), 0);
    detail::convolve(g, weights[i], inputs[i], expected, ring);
    std::vector<std::uint64_t> sum(expected.size());
    for (std::size_t j = 0; j < sum.size(); ++j)
      sum[j] = ring.add(server_out[i][j], client_out[i][j]);
    EXPECT_EQ(sum, expected) << cases[i].first << " at ℓ = " << ring_bits;
  }
}

INSTANTIATE_TEST_SUITE_P(RingBits, HeLinearLayers, ::testing::Values(16u, 32u, 48u, 64u));

// The parameter choice: the smallest q holding the worst layer; a layer no
// permitted q can hold is refused before any protocol message, naming it.
TEST(HeLinearPlanning, RefusesALayerWhoseNoiseNoPermittedModulusHolds) {
  FixedPointConfig config;
  config.ring_bits = 64;
  config.fractional_bits = 10;
  const auto small = he_network_plan(config, {{"small", conv({3, 8, 8}, 4, 3, 1, 1, 1, 1)}});
  EXPECT_LE(small.parameters.log_q(), 180.0);
  EXPECT_TRUE(small.layers.at("small").noise.fits());
  config.weight_bits = 64;  // 2^63 weights: the noise needs more than 180 bits of q
  try {
    he_network_plan(config, {{"fine", conv({3, 8, 8}, 4, 1, 1, 0, 1, 1)},
                             {"huge", conv({512, 4, 4}, 512, 3, 1, 1, 1, 1)}});
    FAIL() << "no exception";
  } catch (const CompileError& error) {
    EXPECT_NE(std::string(error.what()).find("node 'huge'"), std::string::npos) << error.what();
  }
  // A padded channel larger than N.
  EXPECT_THROW(
      he_network_plan(FixedPointConfig{}, {{"big", conv({3, 100, 100}, 4, 3, 1, 1, 1, 1)}}),
      CompileError);
}

// The parameters the default configuration picks for cryptonas-cnet1: q of
// two or three primes within the 128-bit table, every layer within budget.
TEST(HeLinearPlanning, Cnet1FitsTheStandardParameters) {
  auto architecture = spaces::make_preset("cryptonas-cnet1").to_proto();
  auto network = FixedPointNetwork::compile(random_weight_model(architecture, {.seed = 1}),
                                            FixedPointConfig{});
  const auto plan = he_network_plan(network);
  EXPECT_EQ(plan.parameters.degree(), 8192u);
  EXPECT_LE(plan.parameters.log_q(), 218.0);
  std::uint64_t bytes = 0;
  double worst = -1e9;
  for (const auto& [node, layer] : plan.layers) {
    EXPECT_TRUE(layer.noise.fits()) << node;
    bytes += layer.client_bytes + layer.server_bytes;
    worst = std::max(worst, layer.noise.total_log2 - layer.noise.budget_log2);
  }
  std::printf(
      "cnet1: N = %zu, %zu primes, log2 q = %.1f, linear-layer bytes %llu, worst margin 2^%.1f\n",
      plan.parameters.degree(), plan.parameters.primes().size(), plan.parameters.log_q(),
      static_cast<unsigned long long>(bytes), worst);
}

}  // namespace
}  // namespace pinas::pi
