#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace pinas::he {

// The published constants of the scheme, each an option defaulting to its
// source's value (../shared/docs/he_linear_layers.md).
struct HeOptions {
  // Ring degree N. Cheetah's exact variant with noise flooding needs the
  // larger q of N = 8192.
  std::size_t degree = 8192;
  // Bits of each RNS prime (Cheetah and SEAL use ~60-bit primes).
  int prime_bits = 60;
  // Standard deviation of the error distribution (HomomorphicEncryption.org
  // standard, SEAL, OpenFHE: 3.2), and the tail cut in standard deviations
  // (SEAL samples within 6σ), which makes the noise bounds worst-case bounds.
  double error_sigma = 3.2;
  double error_tail_sigmas = 6.0;
  // Statistical security of the noise flooding, in bits (the issue asks
  // for at least 40).
  std::uint32_t statistical_bits = 40;
};

// The largest log2 q of the HomomorphicEncryption.org standard for 128-bit
// classical security with a ternary secret and σ = 3.2, for ring degree
// `degree`: 1024 → 27, 2048 → 54, 4096 → 109, 8192 → 218, 16384 → 438,
// 32768 → 881; 0 for any other degree. Thread-safe.
int max_log_q_128(std::size_t degree);

// A checked RLWE parameter set: ring degree N, the RNS primes of q, and the
// plaintext modulus t = 2^plaintext_bits (coefficient encoding). The
// constructor is the parameter guard: it refuses a degree outside the table,
// a prime that is not NTT-friendly for N, repeated primes, and any (N, log q)
// beyond the 128-bit table. Immutable; thread-safe.
class HeParameters {
 public:
  // Throws HeError naming what is out of range.
  HeParameters(std::size_t degree, std::vector<std::uint64_t> primes, std::uint32_t plaintext_bits,
               const HeOptions& options = {});
  // N = options.degree with `prime_count` NTT primes of options.prime_bits
  // bits (the largest ones below 2^prime_bits). Throws HeError.
  static HeParameters standard(std::uint32_t plaintext_bits, std::size_t prime_count,
                               const HeOptions& options = {});

  std::size_t degree() const { return degree_; }
  const std::vector<std::uint64_t>& primes() const { return primes_; }
  std::uint32_t plaintext_bits() const { return plaintext_bits_; }
  // log2 q (exact to double precision).
  double log_q() const { return log_q_; }
  const HeOptions& options() const { return options_; }
  // The largest |e| the error sampler produces: floor(tail · σ).
  std::int64_t error_bound() const;
  // Bits k of the power-of-two modulus the server's results are switched to
  // (see noise_budget.h): ℓ + 2 + ceil(log2(N + 1)).
  std::uint32_t switched_bits() const;

 private:
  std::size_t degree_;
  std::vector<std::uint64_t> primes_;
  std::uint32_t plaintext_bits_;
  double log_q_ = 0;
  HeOptions options_;
};

}  // namespace pinas::he
