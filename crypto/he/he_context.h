#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "crypto/he/he_parameters.h"
#include "crypto/he/modulus.h"
#include "crypto/he/ntt.h"

namespace pinas::he {

// An element of R_q in RNS form: prime_count() x degree() residues, prime
// major (residue j of prime i at i·N + j), in coefficient or NTT form as the
// caller tracks.
using RnsPolynomial = std::vector<std::uint64_t>;

// The precomputed tables of one parameter set: the NTT tables of every prime
// and the constants of the scaled encoding round(q·m / t) and of modulus
// switching from q to 2^k. Immutable after construction; thread-safe.
class HeContext {
 public:
  // Throws HeError when decryption after switching could not be computed
  // exactly with the first two primes (p0·p1 must exceed 2^(k+log2 N+2)).
  explicit HeContext(HeParameters parameters);

  const HeParameters& parameters() const { return parameters_; }
  std::size_t degree() const { return parameters_.degree(); }
  std::size_t prime_count() const { return tables_.size(); }
  const NttTables& tables(std::size_t prime) const { return tables_[prime]; }
  const Modulus& modulus(std::size_t prime) const { return tables_[prime].modulus(); }
  std::uint32_t plaintext_bits() const { return parameters_.plaintext_bits(); }

  RnsPolynomial zero() const { return RnsPolynomial(prime_count() * degree(), 0); }
  std::span<std::uint64_t> component(RnsPolynomial& p, std::size_t prime) const {
    return std::span<std::uint64_t>(p).subspan(prime * degree(), degree());
  }
  std::span<const std::uint64_t> component(const RnsPolynomial& p, std::size_t prime) const {
    return std::span<const std::uint64_t>(p).subspan(prime * degree(), degree());
  }
  void to_ntt(RnsPolynomial& p) const;
  void from_ntt(RnsPolynomial& p) const;

  // The residues of a polynomial with signed integer coefficients (degree() of them).
  RnsPolynomial from_signed(std::span<const std::int64_t> coefficients) const;
  // The residue of round(q·m / t) mod prime i, for m in [0, t).
  std::uint64_t scaled_residue(std::uint64_t m, std::size_t prime) const;
  // p += round(q·m_j / t)·X^j for the coefficient-form p and plaintext
  // coefficients m (values mod t; degree() of them).
  void add_scaled(RnsPolynomial& p, std::span<const std::uint64_t> m) const;
  // The same at the given positions only: p_{positions[i]} += round(q·m_i / t).
  void add_scaled_at(RnsPolynomial& p, std::span<const std::uint32_t> positions,
                     std::span<const std::uint64_t> m) const;
  // p_{positions[i]} += v_i for signed 128-bit v_i (the flooding noise).
  void add_signed_at(RnsPolynomial& p, std::span<const std::uint32_t> positions,
                     std::span<const __int128> values) const;

  // Modulus switching of the coefficient-form p from q to 2^bits:
  // round(2^bits · x / q) mod 2^bits for the coefficients at `positions`
  // (every coefficient when positions is empty). The result is within 1 of
  // 2^bits · x / q (a 128-bit fixed-point CRT sum, its error below 2^-125).
  // Requires bits <= 120.
  std::vector<uint128> switch_to_power_of_two(const RnsPolynomial& p,
                                              std::span<const std::uint32_t> positions,
                                              std::uint32_t bits) const;

  // The negacyclic product a·s mod 2^bits of a polynomial a with
  // coefficients in [0, 2^bits) and a ternary s given by its NTT form in the
  // first two primes, computed exactly over Z (|a·s| < N·2^bits < p0·p1/2)
  // and reduced. Used by decryption after switching. Requires bits <=
  // switched_bits().
  std::vector<uint128> multiply_ternary_mod_power_of_two(std::span<const uint128> a,
                                                         const RnsPolynomial& s_ntt,
                                                         std::uint32_t bits) const;

 private:
  HeParameters parameters_;
  std::vector<NttTables> tables_;
  std::vector<std::uint64_t> delta_residues_;  // floor(q / t) mod p_i
  std::uint64_t delta_remainder_ = 0;          // q mod t
  std::vector<std::uint64_t> crt_factors_;     // (q / p_i)^-1 mod p_i
  std::vector<std::uint64_t> crt_factors_shoup_;
  // floor(2^192 / p_i) as three words (low first): y/p_i as a 128-bit
  // fraction is bits 64..191 of y·that, without a division.
  std::vector<std::array<std::uint64_t, 3>> reciprocals_;
  std::uint64_t p0_inverse_mod_p1_ = 0;
};

}  // namespace pinas::he
