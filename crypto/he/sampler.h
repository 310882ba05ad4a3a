#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "crypto/he/he_context.h"
#include "crypto/primitives/prg.h"

namespace pinas::he {

// The distributions of the scheme, drawn from a crypto::Prg (seeded from
// getrandom on production paths; from a fixed seed in tests and for the
// public 'a' polynomials both parties expand from a sent seed). Not
// thread-safe (one per thread, like the Prg).
class Sampler {
 public:
  explicit Sampler(crypto::Prg& prg) : prg_(prg) {}

  // Uniform in R_q, directly in NTT form (uniform stays uniform under the
  // NTT): prime by prime, residue by residue, by rejection.
  RnsPolynomial uniform(const HeContext& context);
  // Uniform ternary coefficients in {-1, 0, 1}.
  std::vector<std::int64_t> ternary(std::size_t count);
  // The discrete Gaussian with parameter `sigma` (ρ(x) = exp(-x²/2σ²))
  // restricted to [-bound, bound] (bound <= 4096), by a cumulative table.
  std::vector<std::int64_t> gaussian(std::size_t count, double sigma, std::int64_t bound);
  // Uniform integers in [-2^bits, 2^bits] (bits <= 124): flooding noise.
  std::vector<__int128> flood(std::size_t count, std::uint32_t bits);

 private:
  crypto::Prg& prg_;
};

}  // namespace pinas::he
