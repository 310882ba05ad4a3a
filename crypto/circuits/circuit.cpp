#include "crypto/circuits/circuit.h"

#include <algorithm>
#include <numeric>
#include <string>

namespace pinas::crypto {
namespace {

std::string gate_name(std::size_t index) {
  return "gate " + std::to_string(index);
}

}  // namespace

Circuit::Circuit(std::uint32_t wire_count, std::vector<std::uint32_t> input_sizes,
                 std::vector<Gate> gates, std::vector<std::uint32_t> output_wires,
                 std::vector<std::uint32_t> output_sizes)
    : wire_count_(wire_count),
      input_sizes_(std::move(input_sizes)),
      gates_(std::move(gates)),
      output_wires_(std::move(output_wires)),
      output_sizes_(std::move(output_sizes)) {
  validate_and_schedule();
}

void Circuit::validate_and_schedule() {
  std::uint64_t inputs = 0;
  for (std::uint32_t size : input_sizes_) {
    input_offsets_.push_back(static_cast<std::uint32_t>(inputs));
    inputs += size;
  }
  if (inputs > wire_count_) {
    throw CircuitError("circuit: " + std::to_string(inputs) + " input wires exceed the " +
                       std::to_string(wire_count_) + " wires");
  }
  input_wire_count_ = static_cast<std::uint32_t>(inputs);
  std::uint64_t outputs =
      std::accumulate(output_sizes_.begin(), output_sizes_.end(), std::uint64_t{0});
  if (outputs != output_wires_.size()) {
    throw CircuitError("circuit: output sizes sum to " + std::to_string(outputs) + " but " +
                       std::to_string(output_wires_.size()) + " output wires are listed");
  }

  // depth[w]: AND-depth of wire w, or -1 while undefined.
  std::vector<std::int32_t> depth(wire_count_, -1);
  for (std::uint32_t w = 0; w < input_wire_count_; ++w) depth[w] = 0;
  std::vector<std::uint32_t> keys(gates_.size());
  for (std::size_t i = 0; i < gates_.size(); ++i) {
    const Gate& gate = gates_[i];
    auto read = [&](std::uint32_t wire) {
      if (wire >= wire_count_) {
        throw CircuitError("circuit: " + gate_name(i) + " reads wire " + std::to_string(wire) +
                           " beyond the " + std::to_string(wire_count_) + " wires");
      }
      if (depth[wire] < 0) {
        throw CircuitError("circuit: " + gate_name(i) + " reads wire " + std::to_string(wire) +
                           " before any gate defines it");
      }
      return depth[wire];
    };
    std::int32_t level = read(gate.left);
    if (gate.kind != GateKind::kNot) level = std::max(level, read(gate.right));
    if (gate.output >= wire_count_) {
      throw CircuitError("circuit: " + gate_name(i) + " writes wire " +
                         std::to_string(gate.output) + " beyond the " +
                         std::to_string(wire_count_) + " wires");
    }
    if (depth[gate.output] >= 0) {
      throw CircuitError("circuit: " + gate_name(i) + " writes wire " +
                         std::to_string(gate.output) + " which is already defined");
    }
    switch (gate.kind) {
      case GateKind::kAnd:
        ++and_count_;
        ++level;
        keys[i] = 2 * static_cast<std::uint32_t>(level) - 1;
        break;
      case GateKind::kXor:
        ++xor_count_;
        keys[i] = 2 * static_cast<std::uint32_t>(level);
        break;
      case GateKind::kNot:
        ++not_count_;
        keys[i] = 2 * static_cast<std::uint32_t>(level);
        break;
      default:
        throw CircuitError("circuit: " + gate_name(i) + " has an unknown kind");
    }
    depth[gate.output] = level;
    and_depth_ = std::max(and_depth_, static_cast<std::uint32_t>(level));
  }
  for (std::uint32_t wire : output_wires_) {
    if (wire >= wire_count_ || depth[wire] < 0) {
      throw CircuitError("circuit: output wire " + std::to_string(wire) + " is never defined");
    }
  }

  // Stable sort by key keeps the topological order inside each XOR run; AND
  // gates of one depth only read wires of smaller depth, all scheduled before.
  std::vector<std::uint32_t> order(gates_.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return keys[a] < keys[b]; });
  std::vector<Gate> scheduled;
  scheduled.reserve(gates_.size());
  for (std::uint32_t index : order) scheduled.push_back(gates_[index]);
  gates_ = std::move(scheduled);
  ends_and_run_.assign(gates_.size(), 0);
  for (std::size_t i = 0; i < gates_.size(); ++i) {
    if (gates_[i].kind != GateKind::kAnd) continue;
    ends_and_run_[i] = i + 1 == gates_.size() || keys[order[i + 1]] != keys[order[i]];
  }
}

std::string Circuit::fingerprint() const {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  auto mix = [&](std::uint64_t value) {
    for (int i = 0; i < 8; ++i) {
      hash ^= (value >> (8 * i)) & 0xFF;
      hash *= 0x100000001b3ull;
    }
  };
  mix(wire_count_);
  mix(input_sizes_.size());
  for (auto size : input_sizes_) mix(size);
  mix(gates_.size());
  for (const Gate& gate : gates_) {
    mix(gate.left);
    mix(gate.right);
    mix(gate.output);
    mix(static_cast<std::uint64_t>(gate.kind));
  }
  for (auto wire : output_wires_) mix(wire);
  for (auto size : output_sizes_) mix(size);
  static const char digits[] = "0123456789abcdef";
  std::string text(16, '0');
  for (int i = 0; i < 16; ++i) text[i] = digits[(hash >> (60 - 4 * i)) & 0xF];
  return text;
}

std::vector<std::uint8_t> Circuit::evaluate(std::span<const std::uint8_t> input_bits) const {
  if (input_bits.size() != input_wire_count_) {
    throw CircuitError("circuit: evaluate got " + std::to_string(input_bits.size()) +
                       " input bits, the circuit has " + std::to_string(input_wire_count_));
  }
  std::vector<std::uint8_t> wires(wire_count_, 0);
  for (std::size_t i = 0; i < input_bits.size(); ++i) wires[i] = input_bits[i] & 1;
  for (const Gate& gate : gates_) {
    switch (gate.kind) {
      case GateKind::kXor:
        wires[gate.output] = wires[gate.left] ^ wires[gate.right];
        break;
      case GateKind::kAnd:
        wires[gate.output] = wires[gate.left] & wires[gate.right];
        break;
      case GateKind::kNot:
        wires[gate.output] = wires[gate.left] ^ 1;
        break;
    }
  }
  std::vector<std::uint8_t> outputs;
  outputs.reserve(output_wires_.size());
  for (std::uint32_t wire : output_wires_) outputs.push_back(wires[wire]);
  return outputs;
}

std::vector<std::uint64_t> Circuit::evaluate_words(std::span<const std::uint64_t> inputs) const {
  if (inputs.size() != input_sizes_.size()) {
    throw CircuitError("circuit: evaluate_words got " + std::to_string(inputs.size()) +
                       " inputs, the circuit has " + std::to_string(input_sizes_.size()));
  }
  std::vector<std::uint8_t> bits;
  bits.reserve(input_wire_count_);
  for (std::size_t g = 0; g < inputs.size(); ++g) {
    if (input_sizes_[g] > 64) {
      throw CircuitError("circuit: input " + std::to_string(g) + " is " +
                         std::to_string(input_sizes_[g]) + " wires, wider than 64");
    }
    for (std::uint32_t j = 0; j < input_sizes_[g]; ++j) bits.push_back((inputs[g] >> j) & 1);
  }
  std::vector<std::uint8_t> output_bits = evaluate(bits);
  std::vector<std::uint64_t> words;
  std::size_t position = 0;
  for (std::size_t o = 0; o < output_sizes_.size(); ++o) {
    if (output_sizes_[o] > 64) {
      throw CircuitError("circuit: output " + std::to_string(o) + " is " +
                         std::to_string(output_sizes_[o]) + " wires, wider than 64");
    }
    std::uint64_t word = 0;
    for (std::uint32_t j = 0; j < output_sizes_[o]; ++j) {
      word |= static_cast<std::uint64_t>(output_bits[position++]) << j;
    }
    words.push_back(word);
  }
  return words;
}

}  // namespace pinas::crypto
