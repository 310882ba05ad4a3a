#pragma once

#include <cstdint>
#include <vector>

#include "crypto/circuits/circuit.h"

namespace pinas::crypto {

// One bit of a circuit under construction: a wire, or one of the constants
// 0 and 1. Constants fold away at build time (x AND 0 = 0, x XOR 1 = NOT x),
// so integer helpers that take constants cost no gates for them.
struct Bit {
  static constexpr std::uint32_t kZeroId = 0xFFFFFFFEu;
  static constexpr std::uint32_t kOneId = 0xFFFFFFFFu;
  std::uint32_t id = kZeroId;

  static Bit zero() { return Bit{kZeroId}; }
  static Bit one() { return Bit{kOneId}; }
  static Bit constant(bool value) { return value ? one() : zero(); }
  bool is_constant() const { return id >= kZeroId; }
  // Requires is_constant().
  bool constant_value() const { return id == kOneId; }
  bool operator==(const Bit&) const = default;
};

// An integer as bits, least significant first; its width is size().
using Word = std::vector<Bit>;

// Builds a Circuit gate by gate, with two's-complement integer helpers.
// Costs (AND gates, n = word width): add/subtract n-1, less_than n,
// multiplex n, equal n-1, max 2n; XOR, NOT and shifts are free (shifts are
// rewiring). Constant operands fold, so e.g. x + 1 costs fewer ANDs.
//
// Usage: declare every input first (add_input), then gates, then build().
// Not thread-safe.
class CircuitBuilder {
 public:
  // Declares the next input group of `width` wires. Throws CircuitError if a
  // gate was already added (inputs must be wires 0..n-1) or width is 0.
  Word add_input(std::uint32_t width);

  Bit xor_gate(Bit a, Bit b);
  Bit and_gate(Bit a, Bit b);
  Bit not_gate(Bit a);
  Bit or_gate(Bit a, Bit b);
  // Returns a when select is 1, b when it is 0 (one AND).
  Bit multiplex(Bit select, Bit a, Bit b);

  // Word helpers. Binary ones require equal widths (else CircuitError).
  static Word constant(std::uint64_t value, std::uint32_t width);
  Word xor_words(const Word& a, const Word& b);
  Word not_word(const Word& a);
  // a AND bit, every position (n ANDs).
  Word and_bit(const Word& a, Bit bit);
  // (a + b) mod 2^n.
  Word add(const Word& a, const Word& b);
  // (a - b) mod 2^n.
  Word subtract(const Word& a, const Word& b);
  // (-a) mod 2^n.
  Word negate(const Word& a);
  // a < b as unsigned integers.
  Bit less_than_unsigned(const Word& a, const Word& b);
  // a < b as two's-complement integers.
  Bit less_than_signed(const Word& a, const Word& b);
  Bit equal(const Word& a, const Word& b);
  // select ? a : b.
  Word multiplex(Bit select, const Word& a, const Word& b);
  // Signed maximum.
  Word max_signed(const Word& a, const Word& b);
  // Free rewiring. Shifts keep the width; `amount` may exceed it.
  static Word shift_left(const Word& a, std::uint32_t amount);
  static Word shift_right_logical(const Word& a, std::uint32_t amount);
  static Word shift_right_arithmetic(const Word& a, std::uint32_t amount);
  // The low `width` bits, or a zero-/sign-extended copy (free).
  static Word resize(const Word& a, std::uint32_t width, bool sign_extend);

  // Finishes the circuit with the given output groups (each becomes one
  // output group, in order). Constant outputs get a real wire (x XOR x, and
  // its NOT), which needs at least one input. Throws CircuitError when the
  // circuit has no input but a constant output.
  Circuit build(const std::vector<Word>& outputs);

  std::uint64_t and_count() const { return and_count_; }

 private:
  Bit new_gate(GateKind kind, Bit a, Bit b);
  std::uint32_t materialize(Bit bit);
  static void require_same_width(const Word& a, const Word& b, const char* operation);

  std::vector<std::uint32_t> input_sizes_;
  std::vector<Gate> gates_;
  std::uint32_t next_wire_ = 0;
  std::uint64_t and_count_ = 0;
};

}  // namespace pinas::crypto
