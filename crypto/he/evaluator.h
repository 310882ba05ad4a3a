#pragma once

#include <cstdint>
#include <span>

#include "crypto/he/ciphertext.h"
#include "crypto/he/he_context.h"

namespace pinas::he {

// The server's homomorphic operations: plaintext x ciphertext
// multiply-accumulate in the NTT domain, then re-randomization, masking,
// flooding and modulus switching with coefficient selection. Stateless
// apart from the context; thread-safe.
class Evaluator {
 public:
  explicit Evaluator(const HeContext& context) : context_(context) {}

  // The NTT form of a plaintext polynomial with signed coefficients (a
  // kernel polynomial of the packing).
  RnsPolynomial transform_plaintext(std::span<const std::int64_t> coefficients) const;
  // accumulator += ciphertext · plaintext (all NTT form; an empty
  // accumulator is first set to zero).
  void multiply_accumulate(Ciphertext& accumulator, const Ciphertext& ciphertext,
                           const RnsPolynomial& plaintext_ntt) const;
  // The same, lazily: products are summed as 128-bit integers and reduced
  // every 60 terms (each product is below 2^122) and by reduce().
  struct WideAccumulator {
    std::vector<uint128> b, a;
    int pending = 0;
  };
  void multiply_accumulate(WideAccumulator& accumulator, const Ciphertext& ciphertext,
                           const RnsPolynomial& plaintext_ntt) const;
  // The reduced sum (NTT form); empty components when nothing was added.
  Ciphertext reduce(WideAccumulator& accumulator) const;
  // What the server sends for an accumulated product: adds `zero` (a fresh
  // public-key encryption of zero: 'a' becomes independent of the weights),
  // leaves the NTT domain, adds round(q·m_i/t) and the flooding noise
  // flood_i at positions[i] (m: the server's masking plaintext), and switches
  // to 2^bits, keeping all of 'a' and the 'b' coefficients at `positions`.
  SwitchedCiphertext finish(Ciphertext accumulator, const Ciphertext& zero,
                            std::span<const std::uint32_t> positions,
                            std::span<const std::uint64_t> m, std::span<const __int128> flood,
                            std::uint32_t bits) const;

 private:
  const HeContext& context_;
};

}  // namespace pinas::he
