#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "crypto/circuits/circuit_error.h"

namespace pinas::crypto {

// The three gates of a boolean circuit. XOR and NOT are free under free-XOR
// garbling; AND costs two ciphertexts under half-gates.
enum class GateKind : std::uint8_t { kXor, kAnd, kNot };

// One gate. `right` is unused (zero) for NOT. Wire ids index Circuit's wires.
struct Gate {
  std::uint32_t left = 0;
  std::uint32_t right = 0;
  std::uint32_t output = 0;
  GateKind kind = GateKind::kXor;

  bool operator==(const Gate&) const = default;
};

// An immutable boolean circuit in single-assignment form.
//
// Wires 0 .. input_wire_count()-1 are the inputs, grouped into consecutive
// input groups (one per party input: Bristol's "niv" values, or the builder's
// add_input calls). Every other wire is written by exactly one gate. Outputs
// are any wires, listed in output_wires(), grouped by output_sizes().
//
// The constructor validates the circuit and reorders its gates into an
// AND-depth schedule: the XOR/NOT gates of AND-depth 0, then all AND gates of
// depth 1, then the XOR/NOT gates of depth 1, and so on. Within an AND run the
// gates are independent, which lets the garbler keep 8 AES blocks in flight
// even for a single circuit copy. gates() returns that schedule; the garbled
// table order follows it, so garbler and evaluator must use equal circuits.
//
// Thread-safety: immutable after construction; share freely.
class Circuit {
 public:
  // Requires: gates in a topological order (every gate reads wires that are
  // inputs or written by an earlier gate), every wire < wire_count written at
  // most once, sum(output_sizes) == output_wires.size(), every output wire
  // defined. Throws CircuitError naming the first offending gate or wire.
  Circuit(std::uint32_t wire_count, std::vector<std::uint32_t> input_sizes, std::vector<Gate> gates,
          std::vector<std::uint32_t> output_wires, std::vector<std::uint32_t> output_sizes);

  std::uint32_t wire_count() const { return wire_count_; }
  const std::vector<std::uint32_t>& input_sizes() const { return input_sizes_; }
  std::uint32_t input_wire_count() const { return input_wire_count_; }
  // First wire of input group `group`. Requires group < input_sizes().size().
  std::uint32_t input_offset(std::size_t group) const { return input_offsets_.at(group); }
  const std::vector<std::uint32_t>& output_wires() const { return output_wires_; }
  const std::vector<std::uint32_t>& output_sizes() const { return output_sizes_; }
  // The gates in AND-depth schedule order (see the class comment).
  const std::vector<Gate>& gates() const { return gates_; }
  std::uint64_t and_count() const { return and_count_; }
  std::uint64_t xor_count() const { return xor_count_; }
  std::uint64_t not_count() const { return not_count_; }
  // For the gate at `index` of gates(): true when it is an AND gate whose
  // successor is not an AND gate of the same depth, i.e. the end of a run of
  // mutually independent AND gates. Requires index < gates().size().
  bool ends_and_run(std::size_t index) const { return ends_and_run_[index] != 0; }
  // The number of AND layers (the AND-depth).
  std::uint32_t and_depth() const { return and_depth_; }

  // A 16-hex-digit FNV-1a digest of the wires, groups, scheduled gates and
  // outputs: two parties compare it in their handshake so that a garbler
  // and an evaluator never run different circuits.
  std::string fingerprint() const;

  // Plaintext evaluation. `input_bits` has input_wire_count() entries, each 0
  // or 1, group after group. Returns one 0/1 entry per output wire. Throws
  // CircuitError on a wrong size.
  std::vector<std::uint8_t> evaluate(std::span<const std::uint8_t> input_bits) const;

  // Plaintext evaluation on integers: input group g takes bit j of inputs[g]
  // as its wire j (least significant first); output group o returns its wire
  // j as bit j. Requires every group to be at most 64 wires wide (else throws
  // CircuitError), and inputs.size() == input_sizes().size().
  std::vector<std::uint64_t> evaluate_words(std::span<const std::uint64_t> inputs) const;

 private:
  void validate_and_schedule();

  std::uint32_t wire_count_;
  std::vector<std::uint32_t> input_sizes_;
  std::vector<std::uint32_t> input_offsets_;
  std::uint32_t input_wire_count_ = 0;
  std::vector<Gate> gates_;
  std::vector<std::uint8_t> ends_and_run_;
  std::vector<std::uint32_t> output_wires_;
  std::vector<std::uint32_t> output_sizes_;
  std::uint64_t and_count_ = 0;
  std::uint64_t xor_count_ = 0;
  std::uint64_t not_count_ = 0;
  std::uint32_t and_depth_ = 0;
};

}  // namespace pinas::crypto
