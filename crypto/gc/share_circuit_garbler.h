#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "crypto/circuits/circuit.h"
#include "crypto/gc/garbler_party.h"
#include "crypto/primitives/prg.h"

namespace pinas::crypto {

// The garbler's side of a batch of share circuits (relu_circuit,
// truncation_circuit, max_pool_circuit: inputs garbler share, mask,
// evaluator share; output result - mask), split Delphi-style into an offline
// and an online phase, paired with a ShareCircuitEvaluator:
//
// offline(count)   handshake (ring width, circuit fingerprint, count); the
//                  evaluator's share labels by correlated OT (its share is
//                  known offline in Delphi: the client's random mask);
//                  garbling of `count` circuit copies into one table buffer;
//                  tables, the labels of the fresh random masks and the
//                  decoding bits are sent. Returns the masks: the garbler's
//                  output shares.
// online(shares)   the labels of the garbler's own shares (16 bytes per
//                  share bit: the only online message).
//
// The evaluator ends with result - mask, so the two hold additive shares of
// each result. Offline/online pairs may repeat. Not thread-safe.
class ShareCircuitGarbler {
 public:
  // `circuit` must have the three share-circuit input groups, the mask and
  // the output `bits` wide (8..64); throws CircuitError otherwise. Keeps
  // references to `party` and `circuit`.
  ShareCircuitGarbler(GarblerParty& party, const Circuit& circuit, std::uint32_t bits);

  // See the class comment. Sets the party up if needed. Throws
  // HandshakeError, ChannelError, ProtocolError.
  std::vector<std::uint64_t> offline(std::size_t count);
  // `garbler_shares`: count × (garbler share group width / bits) values in
  // Z_{2^bits}. Throws ProtocolError before offline() or on a wrong size.
  void online(std::span<const std::uint64_t> garbler_shares);

  // Thread CPU seconds spent garbling so far (for benchmarks).
  double garble_seconds() const { return garble_seconds_; }

 private:
  GarblerParty& party_;
  const Circuit& circuit_;
  std::uint32_t bits_;
  std::size_t count_ = 0;
  std::vector<Block> share_zero_labels_;
  std::vector<Block> tables_;  // one slice
  Prg prg_;
  double garble_seconds_ = 0;
};

// Thread CPU time in seconds (CLOCK_THREAD_CPUTIME_ID): per-core figures that
// stay meaningful on a loaded machine.
double thread_cpu_seconds();

}  // namespace pinas::crypto
