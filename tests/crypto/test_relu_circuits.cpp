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
  const std::uint32_t window = 4;
  for (std::uint32_t bits : {16u, 37u}) {
    std::uint64_t mask = ring_mask(bits);
    for (bool apply_relu : {false, true}) {
      Circuit circuit = max_pool_circuit(bits, window, 2, apply_relu);
      for (int trial = 0; trial < 200; ++trial) {
        // Wire-level inputs: window shares of each party, then the mask.
        std::vector<std::uint64_t> garbler(window), evaluator(window);
        std::int64_t maximum = INT64_MIN;
        for (std::uint32_t i = 0; i < window; ++i) {
          std::uint64_t x = trial % 3 == 0 ? edge_values(bits)[random() % 10] : random() & mask;
          garbler[i] = random() & mask;
          evaluator[i] = (x - garbler[i]) & mask;
          maximum = std::max(maximum, to_signed(x, bits));
        }
        std::uint64_t output_mask = random() & mask;
        std::vector<std::uint8_t> in;
        auto append = [&](std::uint64_t word) {
          for (std::uint32_t j = 0; j < bits; ++j) in.push_back((word >> j) & 1);
        };
        for (auto share : garbler) append(share);
        append(output_mask);
        for (auto share : evaluator) append(share);
        std::vector<std::uint8_t> out = circuit.evaluate(in);
        std::uint64_t z = 0;
        for (std::uint32_t j = 0; j < bits; ++j) z |= static_cast<std::uint64_t>(out[j]) << j;
        std::uint64_t want =
            apply_relu ? relu_reference(static_cast<std::uint64_t>(maximum), bits, 2)
                       : truncation_reference(static_cast<std::uint64_t>(maximum), bits, 2);
        EXPECT_EQ((z + output_mask) & mask, want) << bits << " trial " << trial;
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
