#pragma once

#include <cstdint>

#include "crypto/circuits/circuit.h"

namespace pinas::crypto {

// Shape of a random circuit for tests and benchmarks.
struct RandomCircuitShape {
  std::uint32_t garbler_input_wires = 8;
  std::uint32_t evaluator_input_wires = 8;
  std::uint32_t gates = 64;
  std::uint32_t output_wires = 8;
  // Percentages of AND and NOT gates; the rest are XOR.
  std::uint32_t and_percent = 50;
  std::uint32_t not_percent = 10;
};

// A random circuit with two input groups (garbler's, then evaluator's; a
// group of width 0 is left out) whose gates read uniformly chosen earlier
// wires, biased towards recent ones so that AND-depth grows. Outputs are the
// last `output_wires` wires (or all wires if fewer). Deterministic in
// `seed` (std::mt19937_64: reproducible, not cryptographic). Throws
// CircuitError if the shape has no input wire.
Circuit random_circuit(const RandomCircuitShape& shape, std::uint64_t seed);

}  // namespace pinas::crypto
