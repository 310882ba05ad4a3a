#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "crypto/he/ciphertext.h"
#include "crypto/he/he_context.h"
#include "crypto/he/keys.h"

namespace pinas::he {

// Decryption of switched ciphertexts by the secret key's holder:
// m_i = round(t·(b_i + (a·s)_{positions[i]}) / 2^k) mod t. Correct whenever
// the noise is below 2^(k-ℓ-1) (noise_budget.h). Thread-safe; the context
// and key must outlive it.
class Decryptor {
 public:
  Decryptor(const HeContext& context, const SecretKey& secret)
      : context_(context), secret_(secret) {}

  // The plaintext coefficients at `positions` (the order of ciphertext.b).
  // Throws HeError on mismatched sizes or a bits value other than the
  // parameters' switched_bits().
  std::vector<std::uint64_t> decrypt(const SwitchedCiphertext& ciphertext,
                                     std::span<const std::uint32_t> positions) const;
  // The noise of each coefficient against the plaintext `expected`:
  // (b_i + (a·s)_i) - 2^(k-ℓ)·expected_i, centred mod 2^k. For tests.
  std::vector<__int128> noise(const SwitchedCiphertext& ciphertext,
                              std::span<const std::uint32_t> positions,
                              std::span<const std::uint64_t> expected) const;

 private:
  std::vector<uint128> phases(const SwitchedCiphertext& ciphertext,
                              std::span<const std::uint32_t> positions) const;
  const HeContext& context_;
  const SecretKey& secret_;
};

}  // namespace pinas::he
