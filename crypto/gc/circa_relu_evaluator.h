#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "crypto/circuits/circuit.h"
#include "crypto/gc/evaluator_party.h"
#include "crypto/ot/iknp_sender.h"

namespace pinas::crypto {

// The evaluator's side of Circa's stochastic ReLU; the mirror of
// CircaReluGarbler, where the protocol and its exact fault model are
// documented. Not thread-safe.
class CircaReluEvaluator {
 public:
  // Same parameters as the garbler's; adds an IKNP sender on the channel.
  CircaReluEvaluator(EvaluatorParty& party, std::uint32_t bits, std::uint32_t dropped_bits);

  // `evaluator_shares`: the count values b (known offline in Delphi).
  void offline(std::span<const std::uint64_t> evaluator_shares);
  // Returns the evaluator's shares of ReLU(x). ProtocolError before offline.
  std::vector<std::uint64_t> online();

  const Circuit& circuit() const { return circuit_; }
  double evaluate_seconds() const { return evaluate_seconds_; }

 private:
  EvaluatorParty& party_;
  std::uint32_t bits_;
  std::uint32_t dropped_bits_;
  Circuit circuit_;
  IknpSender reverse_sender_;
  std::size_t count_ = 0;
  std::vector<std::uint64_t> shares_;
  std::vector<Block> share_labels_;
  std::vector<Block> tables_;
  double evaluate_seconds_ = 0;
};

}  // namespace pinas::crypto
