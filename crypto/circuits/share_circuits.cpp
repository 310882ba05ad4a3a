#include "crypto/circuits/share_circuits.h"

#include <string>

#include "crypto/circuits/circuit_builder.h"

namespace pinas::crypto {
namespace {

void require_width(std::uint32_t bits, std::uint32_t fractional_bits, const char* circuit) {
  if (bits < 8 || bits > 64) {
    throw CircuitError(std::string(circuit) + ": the ring width must be 8..64 bits, got " +
                       std::to_string(bits));
  }
  if (fractional_bits >= bits) {
    throw CircuitError(std::string(circuit) + ": " + std::to_string(fractional_bits) +
                       " fractional bits leave nothing of a " + std::to_string(bits) + "-bit ring");
  }
}

// ReLU(x) >> f: bit i is x[i+f] AND (x >= 0), and the top f+1 bits are 0
// (the sign bit of a non-negative x is 0, so it costs no gate).
Word relu_shifted(CircuitBuilder& builder, const Word& x, std::uint32_t fractional_bits) {
  std::uint32_t bits = static_cast<std::uint32_t>(x.size());
  Bit non_negative = builder.not_gate(x.back());
  Word result(bits, Bit::zero());
  for (std::uint32_t i = 0; i + fractional_bits + 1 < bits; ++i) {
    result[i] = builder.and_gate(x[i + fractional_bits], non_negative);
  }
  return result;
}

}  // namespace

std::uint64_t ring_mask(std::uint32_t bits) {
  return bits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
}

std::int64_t to_signed(std::uint64_t value, std::uint32_t bits) {
  value &= ring_mask(bits);
  if (bits < 64 && (value >> (bits - 1)) != 0) value |= ~ring_mask(bits);
  return static_cast<std::int64_t>(value);
}

std::uint64_t relu_reference(std::uint64_t x, std::uint32_t bits, std::uint32_t fractional_bits) {
  std::int64_t value = to_signed(x, bits);
  if (value < 0) return 0;
  return static_cast<std::uint64_t>(value) >> fractional_bits;
}

std::uint64_t truncation_reference(std::uint64_t x, std::uint32_t bits,
                                   std::uint32_t fractional_bits) {
  return static_cast<std::uint64_t>(to_signed(x, bits) >> fractional_bits) & ring_mask(bits);
}

Circuit relu_circuit(std::uint32_t bits, std::uint32_t fractional_bits) {
  require_width(bits, fractional_bits, "relu circuit");
  CircuitBuilder builder;
  Word garbler_share = builder.add_input(bits);
  Word mask = builder.add_input(bits);
  Word evaluator_share = builder.add_input(bits);
  Word x = builder.add(garbler_share, evaluator_share);
  Word result = relu_shifted(builder, x, fractional_bits);
  return builder.build({builder.subtract(result, mask)});
}

Circuit truncation_circuit(std::uint32_t bits, std::uint32_t fractional_bits) {
  require_width(bits, fractional_bits, "truncation circuit");
  CircuitBuilder builder;
  Word garbler_share = builder.add_input(bits);
  Word mask = builder.add_input(bits);
  Word evaluator_share = builder.add_input(bits);
  Word x = builder.add(garbler_share, evaluator_share);
  Word result = CircuitBuilder::shift_right_arithmetic(x, fractional_bits);
  return builder.build({builder.subtract(result, mask)});
}

Circuit max_pool_circuit(std::uint32_t bits, std::uint32_t window, std::uint32_t fractional_bits,
                         bool apply_relu) {
  require_width(bits, fractional_bits, "max pool circuit");
  if (window == 0) throw CircuitError("max pool circuit: the window must hold at least one value");
  CircuitBuilder builder;
  Word garbler_shares = builder.add_input(bits * window);
  Word mask = builder.add_input(bits);
  Word evaluator_shares = builder.add_input(bits * window);
  auto slice = [&](const Word& all, std::uint32_t index) {
    return Word(all.begin() + index * bits, all.begin() + (index + 1) * bits);
  };
  Word maximum = builder.add(slice(garbler_shares, 0), slice(evaluator_shares, 0));
  for (std::uint32_t i = 1; i < window; ++i) {
    Word value = builder.add(slice(garbler_shares, i), slice(evaluator_shares, i));
    maximum = builder.max_signed(maximum, value);
  }
  Word result = apply_relu ? relu_shifted(builder, maximum, fractional_bits)
                           : CircuitBuilder::shift_right_arithmetic(maximum, fractional_bits);
  return builder.build({builder.subtract(result, mask)});
}

Circuit circa_sign_circuit(std::uint32_t bits, std::uint32_t dropped_bits) {
  require_width(bits, 0, "circa sign circuit");
  if (dropped_bits + 2 > bits) {
    throw CircuitError("circa sign circuit: dropping " + std::to_string(dropped_bits) + " of " +
                       std::to_string(bits) + " bits leaves no sign to test");
  }
  CircuitBuilder builder;
  Word garbler_share = builder.add_input(bits - dropped_bits);
  Word evaluator_share = builder.add_input(bits - dropped_bits);
  Word sum = builder.add(garbler_share, evaluator_share);
  return builder.build({{builder.not_gate(sum.back())}});
}

}  // namespace pinas::crypto
