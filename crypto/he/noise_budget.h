#pragma once

#include <cstdint>
#include <string>

#include "crypto/he/he_parameters.h"

namespace pinas::he {

// Worst-case noise of one returned product ciphertext, computed from public
// quantities only (the geometry's kernel-term count, the public weight bit
// width, ℓ, N, σ's tail bound), so both parties compute the same value and
// the flooding does not depend on the weights. Noise is measured in the
// phase b + a·s - round(q·m/t) of a coefficient, as an integer mod q:
//   fresh input ciphertext:        E + 1/2 (E = error_bound(); 1/2 from the
//                                  rounding of the scaled encoding)
//   after Σ W·ct (kernel_terms T): B_W = T · 2^(b-1) · (E + 1/2)
//   public-key zero (u ternary):   B_pk = E·(2N + 1)  (e0·u + e1 + e2·s)
//   masking plaintext:             1/2
//   flooding, uniform in [-F, F]:  F = 2^ceil(log2(n·(B_W + B_pk)) + λ - 1)
// where n is the number of 'b' coefficients the layer sends, so the
// statistical distance between the flooded noise for any two weight sets is
// at most n·(B_W + B_pk)/(2F) <= 2^-λ per layer. Decryption after switching
// to 2^k is exact when the total is below q·2^-(ℓ+2) (then its image is below
// 2^(k-ℓ-2)) and the switching error |δ_b + δ_a·s| <= 1 + N is below
// 2^(k-ℓ-2), which k = switched_bits() guarantees. Value type.
struct LayerNoise {
  long double weight_noise = 0;      // B_W
  long double public_key_noise = 0;  // B_pk
  std::uint32_t flood_bits = 0;      // F = 2^flood_bits
  long double total = 0;             // B_W + B_pk + 1/2 + F (mod q)
  double total_log2 = 0;
  double budget_log2 = 0;  // log2 q - ℓ - 2
  // The bound on the decrypted noise after switching, mod 2^k, and its limit.
  long double switched_bound = 0;  // 2^k·total/q + 1 + N
  double switched_limit_log2 = 0;  // k - ℓ - 1
  bool fits() const { return total_log2 < budget_log2; }
  // The smallest log2 q with which it would fit.
  double required_log_q(std::uint32_t plaintext_bits) const {
    return total_log2 + plaintext_bits + 2;
  }
  // "noise 2^93.2 of budget 2^130.0".
  std::string to_string() const;
};

// Requires kernel_terms >= 1, weight_bits in 1..64.
LayerNoise layer_noise(const HeParameters& parameters, std::uint64_t kernel_terms,
                       std::uint32_t weight_bits, std::uint64_t sent_coefficients);

// The bound on the decrypted noise of a fresh symmetric encryption switched
// to 2^k without any evaluation: 2^k·(E + 1/2)/q + 1 + N.
long double fresh_switched_noise(const HeParameters& parameters);

}  // namespace pinas::he
