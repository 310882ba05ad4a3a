#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/circuits/circuit.h"
#include "crypto/gc/detail/label_engine.h"
#include "crypto/primitives/block.h"

namespace pinas::crypto {

// The garbling half of half-gates garbling with free-XOR and
// point-and-permute (Zahur–Rosulek–Evans 2015): every AND gate costs exactly
// two 16-byte ciphertexts (T_G, T_E), XOR and NOT gates cost nothing. Wire w
// carries the zero label W0 and the one label W0 ⊕ Δ; the colour bit lsb(W0)
// is the wire's permute bit, which is why lsb(Δ) must be 1.
//
// Batches: one call garbles `copies` copies of one circuit (for private
// inference, one ReLU circuit per tensor element) into one contiguous table
// buffer of copies · and_count · 2 Blocks. Table layout (which the Evaluator
// mirrors): copies are processed in chunks of detail::copies_per_chunk(
// circuit) copies; the chunk starting at copy s with n copies puts AND gate
// number a (in Circuit::gates() order), copy s+c at rows 2p, 2p+1 where
// p = s·and_count + a·n + c. Each AND gets the hash tweaks 2q, 2q+1 for
// q = (ANDs garbled by earlier calls) + p, so tweaks never repeat under one
// Δ; the Evaluator must therefore make the same sequence of calls (same
// circuits, same copy counts).
//
// Labels: input_zero_labels come from the caller, so garbler-owned inputs
// can be random (Prg) while evaluator-owned inputs are the sender's COT
// messages q_j of an IKNP extension set up with this Δ (the evaluator then
// holds q_j ⊕ b_j·Δ, exactly its active label).
//
// Not thread-safe (it reuses an internal label buffer); use one Garbler per
// thread, with disjoint first_and_index ranges if they share Δ.
class Garbler {
 public:
  // Requires delta.lsb() == 1 (throws ProtocolError otherwise). `first_and_
  // index` is the tweak counter's start (0 for a fresh Δ).
  explicit Garbler(const Block& delta, std::uint64_t first_and_index = 0);

  const Block& delta() const { return delta_; }
  // ANDs garbled so far plus first_and_index: the next call's tweak base.
  std::uint64_t and_index() const { return and_index_; }

  // Garbles `copies` copies of `circuit`. Garbling a batch in several
  // consecutive calls whose copy counts (but the last) are multiples of
  // detail::kMaxChunkCopies produces the same tables, concatenated, as one
  // call: so a garbler may stream slices while the evaluator evaluates the
  // whole batch at once, or the other way round.
  // Requires: input_zero_labels.size() == copies · input_wire_count() (copy
  // c, input wire w at [c·inputs + w]); tables.size() == copies · and_count
  // · 2; output_zero_labels.size() == copies · output count (same
  // copy-major layout). Writes the tables and each output wire's zero label;
  // lsb of an output zero label is its decoding bit. Throws ProtocolError on
  // a size mismatch.
  void garble(const Circuit& circuit, std::size_t copies, std::span<const Block> input_zero_labels,
              std::span<Block> tables, std::span<Block> output_zero_labels);

  // The active label for `bit` on a wire with zero label `zero_label`.
  Block label_for(const Block& zero_label, bool bit) const {
    return zero_label ^ (Block::mask(bit) & delta_);
  }

 private:
  Block delta_;
  std::uint64_t and_index_;
  detail::LabelEngine engine_;
};

// Throws ProtocolError naming `what` unless `actual == expected`; shared by
// the garbling classes for their buffer-size contracts.
void require_size(std::size_t actual, std::size_t expected, const char* what);

}  // namespace pinas::crypto
