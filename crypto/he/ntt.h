#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "crypto/he/modulus.h"

namespace pinas::he {

// The negacyclic number-theoretic transform of Z_p[X]/(X^n + 1) for an
// NTT-friendly prime p ≡ 1 (mod 2n): forward maps coefficients to the
// evaluations at the odd powers of a primitive 2n-th root ψ (in bit-reversed
// order), so a pointwise product of two transforms is the transform of the
// negacyclic product. Cooley-Tukey forward and Gentleman-Sande inverse
// butterflies with Shoup multiplication by precomputed powers of ψ.
// Immutable after construction; thread-safe.
class NttTables {
 public:
  // Requires n a power of two >= 2 and p ≡ 1 (mod 2n) prime. Throws HeError.
  NttTables(std::uint64_t prime, std::size_t degree);

  const Modulus& modulus() const { return modulus_; }
  std::size_t degree() const { return degree_; }

  // In place; values must be reduced mod p and `values.size() == degree()`.
  void forward(std::span<std::uint64_t> values) const;
  void inverse(std::span<std::uint64_t> values) const;

 private:
  Modulus modulus_;
  std::size_t degree_;
  // ψ^bitreverse(i) and ψ^-bitreverse(i), with their Shoup constants.
  std::vector<std::uint64_t> roots_, roots_shoup_, inverse_roots_, inverse_roots_shoup_;
  std::uint64_t degree_inverse_ = 0, degree_inverse_shoup_ = 0;
};

// The negacyclic product a·b in Z_p[X]/(X^n + 1) by the schoolbook method:
// the reference the NTT is tested against. Thread-safe.
std::vector<std::uint64_t> schoolbook_negacyclic_product(std::span<const std::uint64_t> a,
                                                         std::span<const std::uint64_t> b,
                                                         const Modulus& modulus);

}  // namespace pinas::he
