#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "crypto/circuits/circuit.h"
#include "crypto/gc/evaluator_party.h"

namespace pinas::crypto {

// The evaluator's side of a batch of share circuits; the mirror of
// ShareCircuitGarbler (see there for the phases).
//   offline(evaluator_shares)  its share labels by correlated OT, then the
//                              tables and decoding bits (the mask's active
//                              labels are the zero block, never sent).
//   online()                   the garbler's share labels, evaluation,
//                              decoding: returns result - mask per copy.
// Not thread-safe.
class ShareCircuitEvaluator {
 public:
  // Same requirements as ShareCircuitGarbler's constructor.
  ShareCircuitEvaluator(EvaluatorParty& party, const Circuit& circuit, std::uint32_t bits);

  // `evaluator_shares`: count × (evaluator share group width / bits) values.
  // Throws CircuitError on a size that is not a whole number of copies,
  // HandshakeError, ChannelError, ProtocolError.
  void offline(std::span<const std::uint64_t> evaluator_shares);
  // Throws ProtocolError before offline().
  std::vector<std::uint64_t> online();

  double evaluate_seconds() const { return evaluate_seconds_; }

 private:
  EvaluatorParty& party_;
  const Circuit& circuit_;
  std::uint32_t bits_;
  std::size_t count_ = 0;
  std::vector<Block> evaluator_labels_;
  std::vector<Block> tables_;
  std::vector<std::uint8_t> decoding_bits_;
  double evaluate_seconds_ = 0;
};

// Checks the share-circuit input layout (three groups, mask and output
// `bits` wide, share groups multiples of `bits`); throws CircuitError.
void require_share_circuit(const Circuit& circuit, std::uint32_t bits);

}  // namespace pinas::crypto
