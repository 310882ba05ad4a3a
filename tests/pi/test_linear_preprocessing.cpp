#include <gtest/gtest.h>

#include <random>

#include "crypto/net/two_party_loopback.h"
#include "crypto/pi/cot_linear_preprocessing.h"
#include "crypto/pi/detail/bit_packing.h"
#include "crypto/pi/detail/ring.h"
#include "crypto/pi/detail/tensor_ops.h"

namespace pinas::pi {
namespace {

TEST(BitPacking, RoundTripsMixedWidths) {
  std::mt19937_64 random(3);
  detail::BitWriter writer;
  std::vector<std::pair<std::uint64_t, std::uint32_t>> values;
  for (int i = 0; i < 1000; ++i) {
    std::uint32_t width = 1 + static_cast<std::uint32_t>(random() % 64);
    std::uint64_t value = width == 64 ? random() : random() & ((std::uint64_t{1} << width) - 1);
    values.emplace_back(value, width);
    writer.write(value, width);
  }
  detail::BitReader reader(writer.words().data(), writer.words().size());
  for (auto [value, width] : values) EXPECT_EQ(reader.read(width), value);
}

struct LayerCase {
  ConvGeometry geometry;
  std::optional<Decomposition> side;
};

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

TEST(CotLinearPreprocessing, SharesSumToTheLinearMapOfTheClientShare) {
  std::vector<LayerCase> cases;
  for (auto side :
       {std::optional<Decomposition>(Decomposition::kInput),
        std::optional<Decomposition>(Decomposition::kWeight), std::optional<Decomposition>()}) {
    cases.push_back({conv({3, 6, 6}, 4, 3, 1, 1, 1, 1), side});
    cases.push_back({conv({4, 7, 5}, 6, 3, 2, 2, 2, 2), side});    // grouped, strided, dilated
    cases.push_back({conv({4, 5, 5}, 4, 3, 1, 1, 1, 4), side});    // depthwise
    cases.push_back({conv({40, 1, 1}, 10, 1, 1, 0, 1, 1), side});  // linear layer
  }
  for (std::uint32_t ring_bits : {64u, 37u}) {
    FixedPointConfig config;
    config.ring_bits = ring_bits;
    config.fractional_bits = 10;
    detail::Ring ring(ring_bits);
    std::mt19937_64 random(ring_bits);
    std::vector<std::vector<std::uint64_t>> weights, inputs, server_out(cases.size()),
        client_out(cases.size());
    for (const auto& c : cases) {
      std::vector<std::uint64_t> w(static_cast<std::size_t>(c.geometry.weight_count()));
      const std::int64_t limit = std::int64_t{1} << (config.effective_weight_bits() - 1);
      for (auto& value : w)
        value = ring.from_signed(static_cast<std::int64_t>(random() % (2 * limit)) - limit);
      weights.push_back(w);
      std::vector<std::uint64_t> x(static_cast<std::size_t>(c.geometry.input.elements()));
      for (auto& value : x) value = ring.reduce(random());
      inputs.push_back(x);
    }
    std::vector<LinearLayerCost> server_costs;
    crypto::run_two_parties_over_loopback(
        [&](crypto::Channel& channel) {
          CotLinearPreprocessing server(true, channel, config);
          server.setup();
          for (std::size_t i = 0; i < cases.size(); ++i) {
            server.force_decomposition(cases[i].side);
            LinearStep step{cases[i].geometry, weights[i], {}};
            server_out[i] = server.server_linear("layer", step);
          }
          server_costs = server.costs();
        },
        [&](crypto::Channel& channel) {
          CotLinearPreprocessing client(false, channel, config);
          client.setup();
          for (std::size_t i = 0; i < cases.size(); ++i) {
            client.force_decomposition(cases[i].side);
            client_out[i] = client.client_linear("layer", cases[i].geometry, inputs[i]);
          }
        });
    for (std::size_t i = 0; i < cases.size(); ++i) {
      std::vector<std::uint64_t> expected(
          static_cast<std::size_t>(cases[i].geometry.output.elements()));
      detail::convolve(cases[i].geometry, weights[i], inputs[i], expected, ring);
      ASSERT_EQ(server_out[i].size(), expected.size());
      for (std::size_t k = 0; k < expected.size(); ++k) {
        ASSERT_EQ(ring.add(server_out[i][k], client_out[i][k]), expected[k])
            << "case " << i << " element " << k << " ring " << ring_bits;
      }
      EXPECT_GT(server_costs[i].bytes_sent + server_costs[i].bytes_received, 0u);
    }
  }
}

TEST(CotLinearPreprocessing, ElementwiseProducts) {
  FixedPointConfig config;
  config.ring_bits = 48;
  detail::Ring ring(48);
  std::mt19937_64 random(9);
  std::vector<std::uint64_t> a(100), b(100), server_share, client_share;
  for (auto& v : a) v = ring.reduce(random());
  for (auto& v : b) v = ring.reduce(random());
  crypto::run_two_parties_over_loopback(
      [&](crypto::Channel& channel) {
        CotLinearPreprocessing server(true, channel, config);
        server.setup();
        server_share = server.server_elementwise("poly", a);
      },
      [&](crypto::Channel& channel) {
        CotLinearPreprocessing client(false, channel, config);
        client.setup();
        client_share = client.client_elementwise("poly", b);
      });
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(ring.add(server_share[i], client_share[i]), ring.multiply(a[i], b[i]));
  }
}

TEST(CotLinearPreprocessing, DecompositionCostPrefersTheSmallerSide) {
  FixedPointConfig config;
  // A 3x3 conv on a large image: few weights, many inputs.
  auto big_image = conv({16, 32, 32}, 16, 3, 1, 1, 1, 1);
  EXPECT_EQ(decomposition_cost(big_image, config).cheaper(), Decomposition::kWeight);
  auto cost = decomposition_cost(big_image, config);
  EXPECT_EQ(cost.weight_ots, 16u * 16 * 9 * config.effective_weight_bits());
  EXPECT_EQ(cost.input_ots, 16u * 32 * 32 * config.ring_bits);
}

}  // namespace
}  // namespace pinas::pi
