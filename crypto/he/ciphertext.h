#pragma once

#include <cstdint>
#include <vector>

#include "crypto/he/he_context.h"
#include "crypto/primitives/block.h"

namespace pinas::he {

// An RLWE ciphertext (b, a) over R_q with phase b + a·s = round(q·m/t) + e.
// Both components are in NTT form unless a function says otherwise.
struct Ciphertext {
  RnsPolynomial b, a;
};

// A symmetric-key ciphertext whose 'a' is expanded from `seed` (Sampler::
// uniform over a Prg keyed with it), so only `b` (NTT form) is sent.
struct SeededCiphertext {
  crypto::Block seed;
  RnsPolynomial b;
};

// A ciphertext switched to the modulus 2^bits: all N coefficients of 'a' and
// only the coefficients of 'b' at the positions the receiver needs (in the
// order both parties derive from the packing). Values in [0, 2^bits).
struct SwitchedCiphertext {
  std::uint32_t bits = 0;
  std::vector<uint128> a;
  std::vector<uint128> b;
};

}  // namespace pinas::he
