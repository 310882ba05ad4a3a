#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/circuits/circuit.h"
#include "crypto/gc/detail/label_engine.h"
#include "crypto/primitives/block.h"

namespace pinas::crypto {

// The evaluating half of half-gates garbling; see Garbler for the scheme,
// the table layout and the tweak counter, which this class mirrors: make the
// same sequence of calls (circuits and copy counts) as the Garbler did.
// An evaluator holds one label per wire and learns nothing from it; the
// colour bit lsb(label) equals the wire's value XOR its permute bit.
// Not thread-safe (internal label buffer).
class Evaluator {
 public:
  explicit Evaluator(std::uint64_t first_and_index = 0) : and_index_(first_and_index) {}

  std::uint64_t and_index() const { return and_index_; }

  // Evaluates `copies` copies. Same layouts and size requirements as
  // Garbler::garble (input_labels are the active labels). Writes the active
  // output labels. Throws ProtocolError on a size mismatch. With wrong
  // tables or labels the outputs are garbage labels, never a crash.
  void evaluate(const Circuit& circuit, std::size_t copies, std::span<const Block> input_labels,
                std::span<const Block> tables, std::span<Block> output_labels);

 private:
  std::uint64_t and_index_;
  detail::LabelEngine engine_;
};

}  // namespace pinas::crypto
