// Plaintext behaviour of the circuit representation and the builder's
// integer helpers, against C++ integer arithmetic.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>

#include "crypto/circuits/circuit.h"
#include "crypto/circuits/circuit_builder.h"
#include "crypto/circuits/share_circuits.h"

namespace pinas::crypto {
namespace {

TEST(Circuit, EvaluatesAGateOfEachKind) {
  // wires: 0,1 inputs; 2 = 0^1; 3 = 0&1; 4 = !3
  Circuit circuit(5, {1, 1},
                  {{0, 1, 2, GateKind::kXor}, {0, 1, 3, GateKind::kAnd}, {3, 0, 4, GateKind::kNot}},
                  {2, 3, 4}, {1, 1, 1});
  for (std::uint64_t a = 0; a < 2; ++a) {
    for (std::uint64_t b = 0; b < 2; ++b) {
      std::vector<std::uint64_t> in{a, b};
      auto out = circuit.evaluate_words(in);
      EXPECT_EQ(out, (std::vector<std::uint64_t>{a ^ b, a & b, 1 - (a & b)}));
    }
  }
  EXPECT_EQ(circuit.and_count(), 1u);
  EXPECT_EQ(circuit.and_depth(), 1u);
}

TEST(Circuit, RefusesReadBeforeDefinitionAndDoubleWrites) {
  EXPECT_THROW(Circuit(4, {1, 1}, {{0, 3, 2, GateKind::kXor}}, {2}, {1}), CircuitError);
  EXPECT_THROW(Circuit(3, {1, 1}, {{0, 1, 1, GateKind::kXor}}, {1}, {1}), CircuitError);
  EXPECT_THROW(Circuit(3, {1, 1}, {{0, 1, 2, GateKind::kXor}}, {2}, {2}), CircuitError);
  EXPECT_THROW(Circuit(3, {1, 1}, {{0, 1, 2, GateKind::kXor}}, {7}, {1}), CircuitError);
}

TEST(Circuit, ScheduleKeepsSemanticsAndGroupsAndLayers) {
  // A chain where ANDs of depth 1 are interleaved with XORs in the input order.
  CircuitBuilder builder;
  Word a = builder.add_input(16);
  Word b = builder.add_input(16);
  Word sum = builder.add(a, b);
  Circuit circuit = builder.build({sum});
  // In the schedule, AND-depth never decreases along AND gates.
  std::vector<int> depth(circuit.wire_count(), 0);
  int last_and_depth = 0;
  for (const Gate& gate : circuit.gates()) {
    int d = std::max(depth[gate.left], gate.kind == GateKind::kNot ? 0 : depth[gate.right]);
    if (gate.kind == GateKind::kAnd) {
      ++d;
      EXPECT_GE(d, last_and_depth);
      last_and_depth = d;
    }
    depth[gate.output] = d;
  }
  std::mt19937_64 random(7);
  for (int i = 0; i < 200; ++i) {
    std::uint64_t x = random() & 0xFFFF, y = random() & 0xFFFF;
    std::vector<std::uint64_t> in{x, y};
    EXPECT_EQ(circuit.evaluate_words(in)[0], (x + y) & 0xFFFF);
  }
}

TEST(CircuitBuilder, IntegerHelpersMatchCppArithmetic) {
  for (std::uint32_t width : {1u, 2u, 7u, 16u, 37u, 64u}) {
    CircuitBuilder builder;
    Word a = builder.add_input(width);
    Word b = builder.add_input(width);
    Word select = builder.add_input(1);
    Word shifted_left = CircuitBuilder::shift_left(a, 3);
    Word shifted_logical = CircuitBuilder::shift_right_logical(a, 3);
    Word shifted_arithmetic = CircuitBuilder::shift_right_arithmetic(a, 3);
    Circuit circuit = builder.build({builder.add(a, b),
                                     builder.subtract(a, b),
                                     {builder.less_than_unsigned(a, b)},
                                     {builder.less_than_signed(a, b)},
                                     builder.multiplex(select[0], a, b),
                                     builder.max_signed(a, b),
                                     {builder.equal(a, b)},
                                     shifted_left,
                                     shifted_logical,
                                     shifted_arithmetic,
                                     builder.negate(a),
                                     builder.xor_words(a, b)});
    const std::uint64_t mask = ring_mask(width);
    std::mt19937_64 random(width);
    for (int trial = 0; trial < 300; ++trial) {
      std::uint64_t x = random() & mask, y = random() & mask, s = random() & 1;
      if (trial % 5 == 0) y = x;
      if (trial % 7 == 0) x = mask;
      std::int64_t sx = width == 1 ? -static_cast<std::int64_t>(x) : to_signed(x, width);
      std::int64_t sy = width == 1 ? -static_cast<std::int64_t>(y) : to_signed(y, width);
      std::vector<std::uint64_t> in{x, y, s};
      auto out = circuit.evaluate_words(in);
      ASSERT_EQ(out.size(), 12u);
      EXPECT_EQ(out[0], (x + y) & mask);
      EXPECT_EQ(out[1], (x - y) & mask);
      EXPECT_EQ(out[2], x < y ? 1u : 0u);
      EXPECT_EQ(out[3], sx < sy ? 1u : 0u) << width << " " << x << " " << y;
      EXPECT_EQ(out[4], s ? x : y);
      EXPECT_EQ(out[5], sx < sy ? y : x);
      EXPECT_EQ(out[6], x == y ? 1u : 0u);
      EXPECT_EQ(out[7], (x << 3) & mask);
      EXPECT_EQ(out[8], x >> 3);
      EXPECT_EQ(out[9], static_cast<std::uint64_t>(sx >> 3) & mask);
      EXPECT_EQ(out[10], (0 - x) & mask);
      EXPECT_EQ(out[11], x ^ y);
    }
  }
}

TEST(CircuitBuilder, GateCostsAreAsDocumented) {
  for (std::uint32_t width : {8u, 32u, 64u}) {
    CircuitBuilder builder;
    Word a = builder.add_input(width);
    Word b = builder.add_input(width);
    std::uint64_t before = builder.and_count();
    builder.add(a, b);
    EXPECT_EQ(builder.and_count() - before, width - 1);
    before = builder.and_count();
    builder.subtract(a, b);
    EXPECT_EQ(builder.and_count() - before, width - 1);
    before = builder.and_count();
    builder.less_than_signed(a, b);
    EXPECT_EQ(builder.and_count() - before, width);
    before = builder.and_count();
    builder.multiplex(a[0], a, b);
    EXPECT_EQ(builder.and_count() - before, width);
    before = builder.and_count();
    CircuitBuilder::shift_left(a, 5);
    CircuitBuilder::shift_right_arithmetic(a, 5);
    builder.xor_words(a, b);
    EXPECT_EQ(builder.and_count(), before);
  }
}

TEST(CircuitBuilder, ConstantsFoldAndMaterializeAsOutputs) {
  CircuitBuilder builder;
  Word a = builder.add_input(8);
  Word incremented = builder.add(a, CircuitBuilder::constant(1, 8));
  EXPECT_LT(builder.and_count(), 7u);
  Circuit circuit = builder.build({incremented, CircuitBuilder::constant(0xA5, 8)});
  for (std::uint64_t x : {0ull, 1ull, 0x7Full, 0xFFull}) {
    std::vector<std::uint64_t> in{x};
    auto out = circuit.evaluate_words(in);
    EXPECT_EQ(out[0], (x + 1) & 0xFF);
    EXPECT_EQ(out[1], 0xA5u);
  }
  CircuitBuilder empty;
  EXPECT_THROW(empty.build({CircuitBuilder::constant(1, 1)}), CircuitError);
  CircuitBuilder late;
  Word c = late.add_input(2);
  late.and_gate(c[0], c[1]);
  EXPECT_THROW(late.add_input(1), CircuitError);
}

}  // namespace
}  // namespace pinas::crypto
