// Circa's stochastic ReLU over loopback TCP: exact away from the fault
// region, and a statistical check of the documented fault model
// P(error | 0 <= x < 2^k) = (2^k - 1 - x) / 2^k.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "crypto/circuits/share_circuits.h"
#include "crypto/gc/circa_relu_evaluator.h"
#include "crypto/gc/circa_relu_garbler.h"
#include "crypto/gc/evaluator_party.h"
#include "crypto/gc/garbler_party.h"
#include "crypto/net/two_party_loopback.h"

namespace pinas::crypto {
namespace {

// Runs Circa on the values x over a fresh loopback TCP connection and
// returns the reconstructed outputs.
std::vector<std::uint64_t> run_circa(std::uint32_t bits, std::uint32_t dropped,
                                     const std::vector<std::uint64_t>& x, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  const std::uint64_t mask = ring_mask(bits);
  std::vector<std::uint64_t> a(x.size()), b(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    a[i] = random() & mask;
    b[i] = (x[i] - a[i]) & mask;
  }
  std::vector<std::uint64_t> garbler_out, evaluator_out;
  run_two_parties_over_loopback(
      [&](Channel& channel) {
        GarblerParty party(channel);
        CircaReluGarbler garbler(party, bits, dropped);
        garbler.offline(x.size());
        garbler_out = garbler.online(a);
      },
      [&](Channel& channel) {
        EvaluatorParty party(channel);
        CircaReluEvaluator evaluator(party, bits, dropped);
        evaluator.offline(b);
        evaluator_out = evaluator.online();
      });
  std::vector<std::uint64_t> result(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) result[i] = (garbler_out[i] + evaluator_out[i]) & mask;
  return result;
}

// The outputs the documented model allows for x.
bool allowed(std::uint64_t x, std::uint64_t output, std::uint32_t bits, std::uint32_t dropped) {
  std::int64_t value = to_signed(x, bits);
  std::uint64_t exact = relu_reference(x, bits, 0);
  if (output == exact) return true;
  std::int64_t low = std::int64_t{1} << dropped;
  bool small_positive = value >= 0 && value < low;
  bool most_negative =
      bits == 64 ? value < INT64_MIN + low : value < -(std::int64_t{1} << (bits - 1)) + low;
  if (small_positive) return output == 0;
  if (most_negative) return output == x;
  return false;
}

TEST(CircaRelu, ExactOutsideTheFaultRegionAndModelOnEdges) {
  std::mt19937_64 random(41);
  for (std::uint32_t bits : {16u, 32u, 37u, 64u}) {
    const std::uint64_t mask = ring_mask(bits);
    for (std::uint32_t dropped : {0u, 6u}) {
      std::uint64_t quarter = std::uint64_t{1} << (bits - 2), half = std::uint64_t{1} << (bits - 1);
      std::vector<std::uint64_t> x{
          0,    1,        mask,     quarter, (0 - quarter) & mask,
          half, half - 1, half + 1, 2,       (0 - std::uint64_t{2}) & mask};
      for (int i = 0; i < 400; ++i) x.push_back(random() & mask);
      for (int i = 0; i < 400; ++i) x.push_back((random() % 4001 - 2000) & mask);
      auto outputs = run_circa(bits, dropped, x, bits * 10 + dropped);
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (dropped == 0) {
          ASSERT_EQ(outputs[i], relu_reference(x[i], bits, 0)) << bits << " x=" << x[i];
        } else {
          ASSERT_TRUE(allowed(x[i], outputs[i], bits, dropped))
              << bits << "/" << dropped << " x=" << to_signed(x[i], bits) << " got " << outputs[i];
        }
      }
    }
  }
}

// The evaluator evaluates a batch online in slices of
// detail::online_slice_copies (2,048 copies here): a batch of several slices
// and a partial last one must come out as exactly as one slice does.
TEST(CircaRelu, BatchOfSeveralOnlineSlicesIsExact) {
  std::mt19937_64 random(45);
  const std::uint32_t bits = 32;
  std::vector<std::uint64_t> x(6000);
  for (auto& value : x) value = random() & ring_mask(bits);
  auto outputs = run_circa(bits, 0, x, 46);
  for (std::size_t i = 0; i < x.size(); ++i)
    ASSERT_EQ(outputs[i], relu_reference(x[i], bits, 0)) << i;
}

TEST(CircaRelu, SignCircuitCostsEllMinusKMinusOneAnds) {
  EXPECT_EQ(circa_sign_circuit(32, 8).and_count(), 23u);
  EXPECT_EQ(circa_sign_circuit(64, 0).and_count(), 63u);
}

// Errors among 0 <= x < 2^k follow (2^k - 1 - x) / 2^k; negative x near
// zero is never wrong; the most negative values err towards x with the
// same probability law.
TEST(CircaRelu, FaultRateMatchesTheModelStatistically) {
  const std::uint32_t bits = 32, dropped = 8;
  const std::uint64_t mask = ring_mask(bits);
  const std::uint64_t low = std::uint64_t{1} << dropped;
  std::mt19937_64 random(43);
  std::vector<std::uint64_t> x;
  const int small = 24000, negative = 4000, extreme = 6000;
  for (int i = 0; i < small; ++i) x.push_back(random() % low);
  for (int i = 0; i < negative; ++i) x.push_back((0 - 1 - random() % low) & mask);
  std::uint64_t most_negative = std::uint64_t{1} << (bits - 1);
  for (int i = 0; i < extreme; ++i) x.push_back(most_negative + random() % low);
  auto outputs = run_circa(bits, dropped, x, 44);

  // Four bins of x mod 2^k for each faulty region; per bin, observed error
  // count within 5 standard deviations of the model's mean.
  auto check_region = [&](std::size_t begin, std::size_t end, auto is_error, const char* region) {
    const int bins = 4;
    double expected[bins] = {}, variance[bins] = {};
    int observed[bins] = {};
    for (std::size_t i = begin; i < end; ++i) {
      std::uint64_t residue = x[i] % low;
      int bin = static_cast<int>(residue * bins / low);
      double p = static_cast<double>(low - 1 - residue) / static_cast<double>(low);
      expected[bin] += p;
      variance[bin] += p * (1 - p);
      if (is_error(i)) ++observed[bin];
    }
    for (int bin = 0; bin < bins; ++bin) {
      EXPECT_LT(std::abs(observed[bin] - expected[bin]), 5 * std::sqrt(variance[bin]) + 1)
          << region << " bin " << bin << ": observed " << observed[bin] << ", model "
          << expected[bin];
    }
  };
  check_region(
      0, small, [&](std::size_t i) { return x[i] != 0 && outputs[i] == 0; }, "0 <= x < 2^k");
  for (std::size_t i = small; i < small + negative; ++i)
    ASSERT_EQ(outputs[i], 0u) << "x=" << to_signed(x[i], bits);
  check_region(
      small + negative, x.size(), [&](std::size_t i) { return outputs[i] == x[i]; },
      "most negative");
  for (std::size_t i = 0; i < x.size(); ++i) ASSERT_TRUE(allowed(x[i], outputs[i], bits, dropped));
}

}  // namespace
}  // namespace pinas::crypto
