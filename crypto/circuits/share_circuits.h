#pragma once

#include <cstdint>

#include "crypto/circuits/circuit.h"

namespace pinas::crypto {

// Circuits on additive shares in Z_{2^bits} (bits in 8..64), for private
// inference. A value x is shared as garbler_share + evaluator_share = x
// (mod 2^bits); all words are little-endian wires.
//
// The exact circuits (ReLU, truncation, max pool) have three input groups:
//   0: the garbler's share (bits wires)           garbler input
//   1: the garbler's fresh output mask m (bits)   garbler input
//   2: the evaluator's share (bits wires)         evaluator input
// and one output group z = result - m (mod 2^bits), decoded to the evaluator.
// The garbler keeps m, so m + z = result: both parties end with additive
// shares and the evaluator learns nothing (z is uniformly masked).
// The garbler-owned inputs are the first kShareCircuitGarblerGroups groups.
inline constexpr std::size_t kShareCircuitGarblerGroups = 2;

// result = ReLU(x) / 2^fractional_bits, with x read as a two's-complement
// integer. The division is a right shift by rewiring, exact (floor) on the
// non-negative ReLU output. AND gates: 3(bits-1) - fractional_bits (93 at
// bits=32, f=0): bits-1 to add the shares, bits-1-f to zero a negative x,
// bits-1 to subtract the mask. Throws CircuitError unless 8 <= bits <= 64
// and fractional_bits < bits.
Circuit relu_circuit(std::uint32_t bits, std::uint32_t fractional_bits);

// result = floor(x / 2^fractional_bits) (arithmetic shift, exact), for
// linearized layers: 2(bits-1) AND gates. Same inputs, outputs, throws.
Circuit truncation_circuit(std::uint32_t bits, std::uint32_t fractional_bits);

// result = max over `window` shared values (then ReLU if `apply_relu`), then
// / 2^fractional_bits. Group 0 holds the garbler's `window` shares one after
// the other (window*bits wires), group 1 the mask, group 2 the evaluator's
// shares. AND gates: window(bits-1) + (window-1)*2*bits + [bits-1-f for ReLU]
// + bits-1. Throws CircuitError on a bad width or window == 0.
Circuit max_pool_circuit(std::uint32_t bits, std::uint32_t window, std::uint32_t fractional_bits,
                         bool apply_relu);

// Circa's stochastic sign test. Both parties drop the `dropped_bits` low bits
// of their own share locally (floor, as unsigned integers), giving words of
// width bits - dropped_bits. Inputs: group 0 the garbler's truncated share,
// group 1 the evaluator's. One output wire: 1 when the truncated sum is
// non-negative (its top bit is 0). Costs bits - dropped_bits - 1 AND gates.
// The output is meant to stay XOR-shared (see CircaRelu). Throws
// CircuitError unless 8 <= bits <= 64 and dropped_bits <= bits - 2.
Circuit circa_sign_circuit(std::uint32_t bits, std::uint32_t dropped_bits);

// Plaintext references used by tests and callers (values mod 2^bits).
std::uint64_t ring_mask(std::uint32_t bits);
// Two's-complement reading of the low `bits` bits of value.
std::int64_t to_signed(std::uint64_t value, std::uint32_t bits);
std::uint64_t relu_reference(std::uint64_t x, std::uint32_t bits, std::uint32_t fractional_bits);
std::uint64_t truncation_reference(std::uint64_t x, std::uint32_t bits,
                                   std::uint32_t fractional_bits);

}  // namespace pinas::crypto
