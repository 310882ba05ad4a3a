#pragma once

#include <cstddef>
#include <cstdint>

#include "crypto/primitives/block.h"
#include "crypto/primitives/tweak_domains.h"

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
// Why σ. Free-XOR garbling and IKNP hash values of the form x ⊕ Δ (or
// q ⊕ s) with a secret global Δ that the adversary also sees added to
// outputs. Circular correlation robustness (CCR) asks that the oracle
// O(x, b) = H(x ⊕ Δ) ⊕ b·Δ look random. With plain MMO, H(x) = π(x) ⊕ x,
// the Δ entering through the input and the Δ added by b cancel in the
// whitening: O(x, 1) = π(x ⊕ Δ) ⊕ x, so the whitening no longer depends on
// Δ and the proof has nothing left to hide π's outputs with. With σ linear,
// H(x ⊕ Δ) ⊕ b·Δ = π(σ(x) ⊕ σ(Δ)) ⊕ σ(x) ⊕ σ(Δ) ⊕ b·Δ, and because σ is an
// orthomorphism (σ and x ↦ σ(x) ⊕ x are both permutations) the input offset
// σ(Δ) and both whitening offsets, σ(Δ) and σ(Δ) ⊕ Δ, are uniform when Δ is,
// so neither choice of b lets Δ cancel. GKWY use exactly
// this to prove MMO-σ CCR, and with the tweak i xored into π's input,
// tweakable CCR (TCCR), in the random-permutation model, with advantage
// about q²/2^128 for q queries. σ costs a shuffle and two xors.
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
  // out[k] = H(in[k], domain_tweak(domain, first_index + k)) (see
  // tweak_domains.h for which protocol uses which domain).
  static void hash_blocks(const Block* in, Block* out, size_t count, TweakDomain domain,
                          uint64_t first_index);
  // out[k] = H(in[k], tweaks[k]).
  static void hash_blocks(const Block* in, const Block* tweaks, Block* out, size_t count);
};

}  // namespace pinas::crypto
