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
//                  tables and decoding bits are sent. Returns the masks: the
//                  garbler's output shares.
// online(shares)   the labels of the garbler's own shares (16 bytes per
//                  share bit: the only online message).
//
// The evaluator ends with result - mask, so the two hold additive shares of
// each result. Offline/online pairs may repeat. Not thread-safe.
//
// The mask costs no traffic. Its bits are known when the circuit is garbled,
// so each mask wire gets the zero label bit·Δ: its active label is the
// all-zero block, which the evaluator uses without receiving it (16 bytes per
// mask bit saved: 768 B of a 48-bit ReLU's 5.7 KB). Why the mask stays
// hidden: the evaluator holds the label 0 of a wire whose other label is Δ,
// and cannot tell which of the two is the zero label without Δ; its colour
// bit is 0 whatever the bit. Every table row that involves the wire hashes
// 0 or Δ under a fresh gate tweak, and H(Δ, j) is pseudorandom by the same
// circular correlation robustness the half-gates proof rests on (the
// adversary may query the correlation oracle at any point, 0 included). So the
// view is that of a standard garbling whose mask labels were sent, with the
// active label fixed instead of uniform, and the mask is revealed only
// through the decoded output result - mask, as before.
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
