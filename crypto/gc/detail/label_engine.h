#pragma once

// The gate loop shared by Garbler and Evaluator: walks the circuit's
// AND-depth schedule over a chunk of circuit copies held wire-major (label
// of wire w, copy c at [w·n + c]), computing XOR/NOT gates in place and
// handing AND gates to the half-gates kernels 8 at a time. The buffers live
// in the engine and are reused across calls: no allocation per gate.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "crypto/circuits/circuit.h"
#include "crypto/gc/detail/half_gates.h"

namespace pinas::crypto::detail {

// Copies per chunk: enough independent copies to fill the AES pipeline when
// the circuit is small, few enough that the chunk's labels stay in L2.
// Depends only on the circuit, so garbler and evaluator chunk identically.
// A power of two (at most kMaxChunkCopies), so that a batch garbled in
// slices whose sizes are multiples of kMaxChunkCopies has exactly the layout
// and tweaks of the batch garbled at once.
constexpr std::size_t kMaxChunkCopies = 256;
inline std::size_t copies_per_chunk(const Circuit& circuit) {
  constexpr std::size_t kChunkLabelBytes = std::size_t{192} << 10;
  std::size_t budget =
      kChunkLabelBytes / (std::size_t{16} * std::max<std::uint32_t>(circuit.wire_count(), 1));
  std::size_t copies = 1;
  while (copies * 2 <= budget && copies * 2 <= kMaxChunkCopies) copies *= 2;
  return copies;
}

// Copies per slice when an evaluator evaluates a batch online as its labels
// arrive: a multiple of kMaxChunkCopies (so the slices' tables and tweaks
// are those of the whole batch) whose input labels come to about 2 MiB.
inline std::size_t online_slice_copies(const Circuit& circuit) {
  constexpr std::size_t kSliceLabelBytes = std::size_t{2} << 20;
  const std::size_t per_chunk =
      kMaxChunkCopies * std::size_t{16} * std::max<std::size_t>(circuit.input_wire_count(), 1);
  return kMaxChunkCopies * std::max<std::size_t>(1, kSliceLabelBytes / per_chunk);
}

constexpr int kAndBatch = 8;

class LabelEngine {
 public:
  // Runs `copies` copies. input_labels is copy-major (copy c, input wire w at
  // [c·inputs + w]); output_labels likewise. `and_gates(items, count)` is
  // called with up to kAndBatch items; `not_gate(label)` maps a NOT input
  // label to its output label. Table positions: chunk starting at copy s
  // with n copies puts AND number a (in schedule order), copy s+c at
  // s·and_count + a·n + c.
  template <typename AndGates, typename NotGate>
  void run(const Circuit& circuit, std::size_t copies, std::span<const Block> input_labels,
           std::span<Block> output_labels, AndGates&& and_gates, NotGate&& not_gate) {
    const std::size_t chunk = copies_per_chunk(circuit);
    const std::size_t inputs = circuit.input_wire_count();
    const std::size_t outputs = circuit.output_wires().size();
    const std::size_t ands = circuit.and_count();
    labels_.resize(static_cast<std::size_t>(circuit.wire_count()) * std::min(chunk, copies));
    const std::vector<Gate>& gates = circuit.gates();
    for (std::size_t start = 0; start < copies; start += chunk) {
      const std::size_t n = std::min(chunk, copies - start);
      Block* labels = labels_.data();
      for (std::size_t c = 0; c < n; ++c) {
        const Block* source = input_labels.data() + (start + c) * inputs;
        for (std::size_t w = 0; w < inputs; ++w) labels[w * n + c] = source[w];
      }
      std::uint64_t and_ordinal = 0;
      AndItem items[kAndBatch];
      int pending = 0;
      for (std::size_t i = 0; i < gates.size(); ++i) {
        const Gate& gate = gates[i];
        Block* out = labels + static_cast<std::size_t>(gate.output) * n;
        const Block* left = labels + static_cast<std::size_t>(gate.left) * n;
        switch (gate.kind) {
          case GateKind::kAnd: {
            const Block* right = labels + static_cast<std::size_t>(gate.right) * n;
            const std::uint64_t base = start * ands + and_ordinal * n;
            for (std::size_t c = 0; c < n; ++c) {
              items[pending++] = AndItem{left + c, right + c, out + c, base + c};
              if (pending == kAndBatch) {
                and_gates(items, pending);
                pending = 0;
              }
            }
            ++and_ordinal;
            // A run of ANDs shares one AND-depth, so they are independent and
            // may be batched together; anything else must see their outputs.
            if (pending > 0 && circuit.ends_and_run(i)) {
              and_gates(items, pending);
              pending = 0;
            }
            break;
          }
          case GateKind::kXor: {
            const Block* right = labels + static_cast<std::size_t>(gate.right) * n;
            for (std::size_t c = 0; c < n; ++c) out[c] = left[c] ^ right[c];
            break;
          }
          case GateKind::kNot:
            for (std::size_t c = 0; c < n; ++c) out[c] = not_gate(left[c]);
            break;
        }
      }
      for (std::size_t c = 0; c < n; ++c) {
        Block* target = output_labels.data() + (start + c) * outputs;
        for (std::size_t o = 0; o < outputs; ++o) {
          target[o] = labels[static_cast<std::size_t>(circuit.output_wires()[o]) * n + c];
        }
      }
    }
  }

 private:
  std::vector<Block> labels_;
};

}  // namespace pinas::crypto::detail
