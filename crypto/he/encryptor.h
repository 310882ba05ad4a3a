#pragma once

#include <cstdint>
#include <span>

#include "crypto/he/ciphertext.h"
#include "crypto/he/he_context.h"
#include "crypto/he/keys.h"
#include "crypto/primitives/prg.h"

namespace pinas::he {

// Encryption. The client encrypts its inputs under its secret key with 'a'
// from a fresh seed (half the bytes of a public-key ciphertext); the server
// re-randomizes its results with public-key encryptions of zero. Errors are
// drawn from `noise` (getrandom-seeded in production). Not thread-safe (it
// uses the Prg); the context must outlive it.
class Encryptor {
 public:
  Encryptor(const HeContext& context, crypto::Prg& noise) : context_(context), noise_(noise) {}

  // (b, a) with a = uniform from `seed`, b = -a·s + e + round(q·m/t); m holds
  // degree() plaintext coefficients in [0, t). Returns b in NTT form.
  SeededCiphertext encrypt_symmetric(const SecretKey& secret, std::span<const std::uint64_t> m,
                                     const crypto::Block& seed);
  // (b0·u + e1, a0·u + e2) with u ternary and e1, e2 Gaussian: an encryption
  // of zero under the public key, NTT form.
  Ciphertext encrypt_zero(const PublicKey& key);

 private:
  const HeContext& context_;
  crypto::Prg& noise_;
};

// The full ciphertext of a seeded one: 'a' expanded from its seed. Throws
// HeError when b has the wrong size or a residue out of range.
Ciphertext expand(const HeContext& context, SeededCiphertext seeded);

}  // namespace pinas::he
