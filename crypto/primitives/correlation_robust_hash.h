#pragma once

#include <cstddef>
#include <cstdint>

#include "crypto/primitives/block.h"

namespace pinas::crypto {

// A (tweakable) circular correlation-robust hash from fixed-key AES, after
// Guo, Katz, Wang and Yu, "Efficient and Secure Multiparty Computation from
// Fixed-Key Block Ciphers" (IEEE S&P 2020), the MMO-σ construction:
//
//     H(x)    = π(σ(x)) ⊕ σ(x)
//     H(x, i) = π(σ(x) ⊕ i) ⊕ σ(x)
//
// where π is AES-128 under the public FixedKeyAes key (modelled as a random
// permutation) and σ(x_L ‖ x_R) = (x_L ⊕ x_R) ‖ x_L is a linear orthomorphism
// on the two 64-bit halves (x_L high, x_R low).
//
// Why σ. Free-XOR garbling and IKNP hash values of the form x ⊕ Δ (or x ⊕
// b·s) with a secret global Δ that also appears in what the adversary sees.
// Plain MMO, π(x) ⊕ x, is not secure there: H(x ⊕ Δ) ⊕ H(x) reveals
// π(x ⊕ Δ) ⊕ π(x) ⊕ Δ and an adversary querying related inputs can cancel Δ.
// Because σ is an orthomorphism (σ and x ↦ σ(x) ⊕ x are both permutations),
// the σ(x ⊕ Δ) ⊕ σ(x ⊕ Δ)-style cancellations are impossible: GKWY prove that
// MMO-σ is circular correlation robust (CCR: H(x ⊕ Δ) ⊕ b·Δ indistinguishable
// from random for adaptively chosen x, b) and, with the tweak i xored into
// π's input, tweakable CCR (TCCR), in the random-permutation model, with
// about q²/2^128 + q/2^128 advantage for q queries.
//
// Uses. Half-gates garbling (Zahur–Rosulek–Evans) needs exactly a TCCR hash
// with the gate index as tweak (its security proof hashes A, A ⊕ Δ with the
// lsb-colour structure). IKNP OT extension needs H(j, q_j ⊕ b·s) to be
// correlation robust for the secret s (= Δ); the row index j is the tweak so
// that rows with equal q do not collide. Security is semi-honest.
//
// All functions are pure, const and thread-safe. Batched forms run 8 AES
// blocks at a time; `in` and `out` may be the same array.
class CorrelationRobustHash {
 public:
  // σ(x) = (x_L ⊕ x_R) ‖ x_L.
  static Block sigma(const Block& x);

  // H(x) = π(σ(x)) ⊕ σ(x).
  static Block hash(const Block& x);
  // H(x, tweak) = π(σ(x) ⊕ tweak) ⊕ σ(x).
  static Block hash(const Block& x, const Block& tweak);
  static Block hash(const Block& x, uint64_t tweak) {
    return hash(x, Block::from_uint64(0, tweak));
  }

  // out[k] = H(in[k]).
  static void hash_blocks(const Block* in, Block* out, size_t count);
  // out[k] = H(in[k], first_tweak + k) (the tweak is the 64-bit integer in the
  // low half of a Block; wraps modulo 2^64).
  static void hash_blocks(const Block* in, Block* out, size_t count, uint64_t first_tweak);
  // out[k] = H(in[k], tweaks[k]).
  static void hash_blocks(const Block* in, const Block* tweaks, Block* out, size_t count);
};

}  // namespace pinas::crypto
