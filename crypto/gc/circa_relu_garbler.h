#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "crypto/circuits/circuit.h"
#include "crypto/gc/garbler_party.h"
#include "crypto/ot/iknp_receiver.h"

namespace pinas::crypto {

// Circa's stochastic ReLU (Ghodsi et al., NeurIPS 2021) on additive shares
// x = a + b mod 2^ℓ (garbler a, evaluator b), garbler side; paired with a
// CircaReluEvaluator.
//
// 1. Sign test in GC. Each party drops the k low bits of its own share
//    (a' = ⌊a/2^k⌋, b' = ⌊b/2^k⌋ as unsigned integers) and the circuit
//    computes s = NOT msb(a' + b' mod 2^(ℓ−k)): ℓ−k−1 AND gates. s stays
//    XOR-shared: the garbler holds s_g = its output decoding bit, the
//    evaluator s_e = its output label's colour, s = s_g ⊕ s_e.
// 2. Product x·s with two correlated OTs with ℓ-bit messages (IKNP ring
//    COT, one in each direction), from
//        s·a = s_g·a + s_e·(1 − 2s_g)·a   (garbler sends, evaluator chooses s_e)
//        s·b = s_e·b + s_g·(1 − 2s_e)·b   (evaluator sends, garbler chooses s_g)
//    Each party ends with an additive share of s·x; no truncation here.
//
// The fault, exactly. Write a = 2^k·a' + a0, b = 2^k·b' + b0 with
// a0, b0 < 2^k, and c = [a0 + b0 ≥ 2^k]. Then ⌊x/2^k⌋ ≡ a' + b' + c
// (mod 2^(ℓ−k)), so the circuit sees ⌊x/2^k⌋ − c: the true floor, or one
// less. Its top bit differs from x's sign only when c = 1 and
//   (i)  ⌊x/2^k⌋ = 0, i.e. 0 ≤ x < 2^k: x is taken as negative and the
//        output is 0 instead of x (an error of at most 2^k − 1); or
//   (ii) ⌊x/2^k⌋ = −2^(ℓ−k−1), i.e. x < −2^(ℓ−1) + 2^k (the ring's most
//        negative values, which a fixed-point network never reaches): x is
//        taken as non-negative and output as x instead of 0.
// Everywhere else the result is exact. With the garbler's share uniformly
// random, a0 is uniform and c = [a0 > x mod 2^k], so for 0 ≤ x < 2^k the
// error probability is (2^k − 1 − x) / 2^k (about 1/2 for tiny x, 0 at
// x = 2^k − 1). k = 0 gives an exact ReLU. Not thread-safe.
class CircaReluGarbler {
 public:
  // 8 ≤ bits ≤ 64, dropped_bits ≤ bits − 2 (throws CircuitError). Keeps a
  // reference to `party`; adds an IKNP receiver on its channel for the
  // reverse COT.
  CircaReluGarbler(GarblerParty& party, std::uint32_t bits, std::uint32_t dropped_bits);

  // Handshake, OT setups (forward then reverse), the evaluator's truncated
  // share labels by COT, garbling `count` sign circuits, sending tables.
  void offline(std::size_t count);
  // `garbler_shares`: count values a. Sends the sign circuit's labels, runs
  // both COTs; returns the garbler's shares of ReLU(x). Throws
  // ProtocolError before offline() or on a wrong size.
  std::vector<std::uint64_t> online(std::span<const std::uint64_t> garbler_shares);

  const Circuit& circuit() const { return circuit_; }
  double garble_seconds() const { return garble_seconds_; }

 private:
  GarblerParty& party_;
  std::uint32_t bits_;
  std::uint32_t dropped_bits_;
  Circuit circuit_;
  IknpReceiver reverse_receiver_;
  std::size_t count_ = 0;
  std::vector<Block> share_zero_labels_;
  std::vector<std::uint8_t> sign_shares_;
  double garble_seconds_ = 0;
};

}  // namespace pinas::crypto
