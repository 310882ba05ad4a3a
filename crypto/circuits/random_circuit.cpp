#include "crypto/circuits/random_circuit.h"

#include <algorithm>
#include <random>
#include <vector>

namespace pinas::crypto {

Circuit random_circuit(const RandomCircuitShape& shape, std::uint64_t seed) {
  const std::uint32_t inputs = shape.garbler_input_wires + shape.evaluator_input_wires;
  if (inputs == 0) throw CircuitError("random circuit: the shape has no input wire");
  std::mt19937_64 random(seed);
  std::vector<Gate> gates;
  gates.reserve(shape.gates);
  std::uint32_t wires = inputs;
  auto pick = [&]() -> std::uint32_t {
    // Half the time one of the last 16 wires, else any wire.
    if (random() % 2 == 0) {
      std::uint32_t window = std::min<std::uint32_t>(wires, 16);
      return wires - 1 - static_cast<std::uint32_t>(random() % window);
    }
    return static_cast<std::uint32_t>(random() % wires);
  };
  for (std::uint32_t g = 0; g < shape.gates; ++g) {
    std::uint32_t roll = static_cast<std::uint32_t>(random() % 100);
    GateKind kind = roll < shape.and_percent                       ? GateKind::kAnd
                    : roll < shape.and_percent + shape.not_percent ? GateKind::kNot
                                                                   : GateKind::kXor;
    std::uint32_t left = pick();
    std::uint32_t right = kind == GateKind::kNot ? 0 : pick();
    gates.push_back({left, right, wires++, kind});
  }
  std::uint32_t output_count = std::min(shape.output_wires, wires);
  std::vector<std::uint32_t> outputs;
  for (std::uint32_t w = wires - output_count; w < wires; ++w) outputs.push_back(w);
  std::vector<std::uint32_t> input_sizes;
  if (shape.garbler_input_wires > 0) input_sizes.push_back(shape.garbler_input_wires);
  if (shape.evaluator_input_wires > 0) input_sizes.push_back(shape.evaluator_input_wires);
  return Circuit(wires, std::move(input_sizes), std::move(gates), std::move(outputs),
                 {output_count});
}

}  // namespace pinas::crypto
