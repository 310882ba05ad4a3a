#include "crypto/circuits/circuit_builder.h"

#include <string>

namespace pinas::crypto {

Word CircuitBuilder::add_input(std::uint32_t width) {
  if (!gates_.empty()) throw CircuitError("circuit builder: add_input after the first gate");
  if (width == 0) throw CircuitError("circuit builder: add_input with width 0");
  input_sizes_.push_back(width);
  Word word;
  word.reserve(width);
  for (std::uint32_t i = 0; i < width; ++i) word.push_back(Bit{next_wire_++});
  return word;
}

Bit CircuitBuilder::new_gate(GateKind kind, Bit a, Bit b) {
  Gate gate{a.id, kind == GateKind::kNot ? 0u : b.id, next_wire_++, kind};
  gates_.push_back(gate);
  if (kind == GateKind::kAnd) ++and_count_;
  return Bit{gate.output};
}

Bit CircuitBuilder::xor_gate(Bit a, Bit b) {
  if (a.is_constant() && b.is_constant())
    return Bit::constant(a.constant_value() != b.constant_value());
  if (a.is_constant()) std::swap(a, b);
  if (b.is_constant()) return b.constant_value() ? not_gate(a) : a;
  if (a == b) return Bit::zero();
  return new_gate(GateKind::kXor, a, b);
}

Bit CircuitBuilder::and_gate(Bit a, Bit b) {
  if (a.is_constant()) std::swap(a, b);
  if (b.is_constant()) return b.constant_value() ? a : Bit::zero();
  if (a == b) return a;
  return new_gate(GateKind::kAnd, a, b);
}

Bit CircuitBuilder::not_gate(Bit a) {
  if (a.is_constant()) return Bit::constant(!a.constant_value());
  return new_gate(GateKind::kNot, a, a);
}

Bit CircuitBuilder::or_gate(Bit a, Bit b) {
  return xor_gate(xor_gate(a, b), and_gate(a, b));
}

Bit CircuitBuilder::multiplex(Bit select, Bit a, Bit b) {
  return xor_gate(b, and_gate(select, xor_gate(a, b)));
}

void CircuitBuilder::require_same_width(const Word& a, const Word& b, const char* operation) {
  if (a.size() != b.size()) {
    throw CircuitError(std::string("circuit builder: ") + operation + " of words of widths " +
                       std::to_string(a.size()) + " and " + std::to_string(b.size()));
  }
}

Word CircuitBuilder::constant(std::uint64_t value, std::uint32_t width) {
  Word word;
  word.reserve(width);
  for (std::uint32_t i = 0; i < width; ++i)
    word.push_back(Bit::constant(i < 64 && ((value >> i) & 1)));
  return word;
}

Word CircuitBuilder::xor_words(const Word& a, const Word& b) {
  require_same_width(a, b, "xor");
  Word result;
  result.reserve(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) result.push_back(xor_gate(a[i], b[i]));
  return result;
}

Word CircuitBuilder::not_word(const Word& a) {
  Word result;
  result.reserve(a.size());
  for (Bit bit : a) result.push_back(not_gate(bit));
  return result;
}

Word CircuitBuilder::and_bit(const Word& a, Bit bit) {
  Word result;
  result.reserve(a.size());
  for (Bit value : a) result.push_back(and_gate(value, bit));
  return result;
}

// Ripple-carry with one AND per carry: c' = c ^ ((a ^ c) & (b ^ c)). The
// carry out of the top bit is never computed, so n bits cost n-1 ANDs.
Word CircuitBuilder::add(const Word& a, const Word& b) {
  require_same_width(a, b, "add");
  Word sum;
  sum.reserve(a.size());
  Bit carry = Bit::zero();
  for (std::size_t i = 0; i < a.size(); ++i) {
    Bit a_xor_carry = xor_gate(a[i], carry);
    Bit b_xor_carry = xor_gate(b[i], carry);
    sum.push_back(xor_gate(a_xor_carry, b[i]));
    if (i + 1 < a.size()) carry = xor_gate(carry, and_gate(a_xor_carry, b_xor_carry));
  }
  return sum;
}

// a - b = a + NOT b + 1, with the carry-in folded as a constant.
Word CircuitBuilder::subtract(const Word& a, const Word& b) {
  require_same_width(a, b, "subtract");
  Word difference;
  difference.reserve(a.size());
  Bit carry = Bit::one();
  for (std::size_t i = 0; i < a.size(); ++i) {
    Bit inverted = not_gate(b[i]);
    Bit a_xor_carry = xor_gate(a[i], carry);
    Bit b_xor_carry = xor_gate(inverted, carry);
    difference.push_back(xor_gate(a_xor_carry, inverted));
    if (i + 1 < a.size()) carry = xor_gate(carry, and_gate(a_xor_carry, b_xor_carry));
  }
  return difference;
}

Word CircuitBuilder::negate(const Word& a) {
  return subtract(constant(0, static_cast<std::uint32_t>(a.size())), a);
}

// The borrow out of a - b: a < b exactly when a + NOT b + 1 has no carry out.
Bit CircuitBuilder::less_than_unsigned(const Word& a, const Word& b) {
  require_same_width(a, b, "less_than");
  Bit carry = Bit::one();
  for (std::size_t i = 0; i < a.size(); ++i) {
    Bit inverted = not_gate(b[i]);
    Bit a_xor_carry = xor_gate(a[i], carry);
    Bit b_xor_carry = xor_gate(inverted, carry);
    carry = xor_gate(carry, and_gate(a_xor_carry, b_xor_carry));
  }
  return not_gate(carry);
}

// Flipping both sign bits maps two's complement order onto unsigned order.
Bit CircuitBuilder::less_than_signed(const Word& a, const Word& b) {
  require_same_width(a, b, "less_than");
  if (a.empty()) return Bit::zero();
  Word a_flipped = a;
  Word b_flipped = b;
  a_flipped.back() = not_gate(a.back());
  b_flipped.back() = not_gate(b.back());
  return less_than_unsigned(a_flipped, b_flipped);
}

Bit CircuitBuilder::equal(const Word& a, const Word& b) {
  require_same_width(a, b, "equal");
  Bit all_equal = Bit::one();
  for (std::size_t i = 0; i < a.size(); ++i)
    all_equal = and_gate(all_equal, not_gate(xor_gate(a[i], b[i])));
  return all_equal;
}

Word CircuitBuilder::multiplex(Bit select, const Word& a, const Word& b) {
  require_same_width(a, b, "multiplex");
  Word result;
  result.reserve(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) result.push_back(multiplex(select, a[i], b[i]));
  return result;
}

Word CircuitBuilder::max_signed(const Word& a, const Word& b) {
  return multiplex(less_than_signed(a, b), b, a);
}

Word CircuitBuilder::shift_left(const Word& a, std::uint32_t amount) {
  Word result(a.size(), Bit::zero());
  for (std::size_t i = amount; i < a.size(); ++i) result[i] = a[i - amount];
  return result;
}

Word CircuitBuilder::shift_right_logical(const Word& a, std::uint32_t amount) {
  Word result(a.size(), Bit::zero());
  for (std::size_t i = 0; i + amount < a.size(); ++i) result[i] = a[i + amount];
  return result;
}

Word CircuitBuilder::shift_right_arithmetic(const Word& a, std::uint32_t amount) {
  if (a.empty()) return a;
  Word result(a.size(), a.back());
  for (std::size_t i = 0; i + amount < a.size(); ++i) result[i] = a[i + amount];
  return result;
}

Word CircuitBuilder::resize(const Word& a, std::uint32_t width, bool sign_extend) {
  Bit fill = sign_extend && !a.empty() ? a.back() : Bit::zero();
  Word result(width, fill);
  for (std::size_t i = 0; i < width && i < a.size(); ++i) result[i] = a[i];
  return result;
}

std::uint32_t CircuitBuilder::materialize(Bit bit) {
  if (!bit.is_constant()) return bit.id;
  if (input_sizes_.empty()) {
    throw CircuitError("circuit builder: a constant output needs at least one input wire");
  }
  Bit zero = new_gate(GateKind::kXor, Bit{0}, Bit{0});
  if (!bit.constant_value()) return zero.id;
  return new_gate(GateKind::kNot, zero, zero).id;
}

Circuit CircuitBuilder::build(const std::vector<Word>& outputs) {
  std::vector<std::uint32_t> output_wires;
  std::vector<std::uint32_t> output_sizes;
  for (const Word& word : outputs) {
    output_sizes.push_back(static_cast<std::uint32_t>(word.size()));
    for (Bit bit : word) output_wires.push_back(materialize(bit));
  }
  return Circuit(next_wire_, input_sizes_, gates_, std::move(output_wires),
                 std::move(output_sizes));
}

}  // namespace pinas::crypto
