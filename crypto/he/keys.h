#pragma once

#include <cstdint>
#include <vector>

#include "crypto/he/he_context.h"
#include "crypto/primitives/block.h"
#include "crypto/primitives/prg.h"

namespace pinas::he {

// A ternary secret s (uniform in {-1, 0, 1}^N), with its NTT form. Only the
// client holds it.
struct SecretKey {
  std::vector<std::int64_t> coefficients;
  RnsPolynomial ntt;
};

// The public key (b0, a0) = (-a0·s + e0, a0), NTT form; a0 expands from `seed`
// so only b0 travels.
struct PublicKey {
  crypto::Block seed;
  RnsPolynomial b, a;
};

// Draws a secret key from `prg`. Thread-safe given distinct Prgs.
SecretKey generate_secret_key(const HeContext& context, crypto::Prg& prg);
// The public key of `secret` with a0 expanded from `seed` and e0 from `prg`.
PublicKey generate_public_key(const HeContext& context, const SecretKey& secret,
                              const crypto::Block& seed, crypto::Prg& prg);
// Rebuilds a received public key: a0 from `seed`, b0 as received (NTT form).
// Throws HeError when b0 has the wrong size or a residue out of range.
PublicKey public_key_from(const HeContext& context, const crypto::Block& seed, RnsPolynomial b);

// Throws HeError naming `what` unless `p` has prime_count()·degree() residues
// each below its prime (a polynomial received from a peer).
void check_polynomial(const HeContext& context, const RnsPolynomial& p, const char* what);

}  // namespace pinas::he
