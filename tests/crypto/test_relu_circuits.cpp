// Plaintext evaluation of the share circuits (ReLU, truncation, max pool,
// Circa's sign test) against the integer references, on edge values.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "crypto/circuits/share_circuits.h"

namespace pinas::crypto {
namespace {

std::vector<std::uint64_t> edge_values(std::uint32_t bits) {
  std::uint64_t mask = ring_mask(bits);
  std::uint64_t quarter = std::uint64_t{1} << (bits - 2);
  std::uint64_t half = std::uint64_t{1} << (bits - 1);
  return {0,    1,        mask,     quarter, (0 - quarter) & mask,
          half, half - 1, half + 1, 2,       (0 - std::uint64_t{2}) & mask};
}

TEST(ShareCircuits, ReluAndTruncationMatchReferences) {
  std::mt19937_64 random(11);
  for (std::uint32_t bits : {8u, 16u, 32u, 37u, 64u}) {
    std::uint64_t mask = ring_mask(bits);
    for (std::uint32_t fractional : {0u, 1u, 7u}) {
      Circuit relu = relu_circuit(bits, fractional);
      Circuit truncation = truncation_circuit(bits, fractional);
      EXPECT_LE(relu.and_count(), 3 * (bits - 1) - fractional);
      if (fractional + 1 < bits) {
        EXPECT_EQ(relu.and_count(), 3 * (bits - 1) - fractional);
      }
      EXPECT_EQ(truncation.and_count(), 2 * (bits - 1));
      std::vector<std::uint64_t> values = edge_values(bits);
      for (int i = 0; i < 200; ++i) values.push_back(random() & mask);
      for (std::uint64_t x : values) {
        std::uint64_t garbler_share = random() & mask;
        std::uint64_t output_mask = random() & mask;
        std::uint64_t evaluator_share = (x - garbler_share) & mask;
        std::vector<std::uint64_t> in{garbler_share, output_mask, evaluator_share};
        EXPECT_EQ((relu.evaluate_words(in)[0] + output_mask) & mask,
                  relu_reference(x, bits, fractional));
        EXPECT_EQ((truncation.evaluate_words(in)[0] + output_mask) & mask,
                  truncation_reference(x, bits, fractional));
      }
    }
  }
  EXPECT_EQ(relu_circuit(32, 0).and_count(), 93u);
  EXPECT_THROW(relu_circuit(7, 0), CircuitError);
  EXPECT_THROW(relu_circuit(65, 0), CircuitError);
  EXPECT_THROW(relu_circuit(16, 16), CircuitError);
}

TEST(ShareCircuits, MaxPoolMatchesReference) {
  std::mt19937_64 random(12);
  for (std::uint32_t bits : {16u, 37u}) {
    std::uint64_t mask = ring_mask(bits);
    for (bool apply_relu : {false, true}) {
      Circuit circuit = max_pool_circuit(bits, 4, 2, apply_relu);
      for (int trial = 0; trial < 200; ++trial) {
        std::uint64_t garbler = 0, evaluator = 0;
        std::int64_t maximum = INT64_MIN;
        for (int i = 0; i < 4; ++i) {
          std::uint64_t x = random() & mask;
          if (trial % 3 == 0) x = edge_values(bits)[random() % 10];
          std::uint64_t share = random() & mask;
          garbler |= share << (i * bits);
          evaluator |= ((x - share) & mask) << (i * bits);
          maximum = std::max(maximum, to_signed(x, bits));
        }
        std::uint64_t output_mask = random() & mask;
        std::uint64_t want =
            apply_relu ? relu_reference(static_cast<std::uint64_t>(maximum), bits, 2)
                       : truncation_reference(static_cast<std::uint64_t>(maximum), bits, 2);
        std::vector<std::uint64_t> in{garbler, output_mask, evaluator};
        if (4 * bits > 64) break;  // evaluate_words needs groups of at most 64 wires
        EXPECT_EQ((circuit.evaluate_words(in)[0] + output_mask) & mask, want);
      }
    }
  }
}

TEST(ShareCircuits, CircaSignFollowsTheTruncatedSum) {
  std::mt19937_64 random(13);
  for (std::uint32_t bits : {16u, 32u, 37u, 64u}) {
    std::uint64_t mask = ring_mask(bits);
    for (std::uint32_t dropped : {0u, 4u, 12u}) {
      Circuit circuit = circa_sign_circuit(bits, dropped);
      EXPECT_EQ(circuit.and_count(), bits - dropped - 1);
      std::uint32_t width = bits - dropped;
      for (int trial = 0; trial < 300; ++trial) {
        std::uint64_t x = random() & mask;
        std::uint64_t a = random() & mask;
        std::uint64_t b = (x - a) & mask;
        std::uint64_t sum = ((a >> dropped) + (b >> dropped)) & ring_mask(width);
        std::vector<std::uint64_t> in{a >> dropped, b >> dropped};
        EXPECT_EQ(circuit.evaluate_words(in)[0], (sum >> (width - 1)) ? 0u : 1u);
      }
    }
  }
}

}  // namespace
}  // namespace pinas::crypto
