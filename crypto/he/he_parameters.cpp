#include "crypto/he/he_parameters.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "crypto/he/detail/primes.h"
#include "crypto/he/he_error.h"

namespace pinas::he {

int max_log_q_128(std::size_t degree) {
  switch (degree) {
    case 1024:
      return 27;
    case 2048:
      return 54;
    case 4096:
      return 109;
    case 8192:
      return 218;
    case 16384:
      return 438;
    case 32768:
      return 881;
    default:
      return 0;
  }
}

HeParameters::HeParameters(std::size_t degree, std::vector<std::uint64_t> primes,
                           std::uint32_t plaintext_bits, const HeOptions& options)
    : degree_(degree),
      primes_(std::move(primes)),
      plaintext_bits_(plaintext_bits),
      options_(options) {
  const int limit = max_log_q_128(degree);
  if (limit == 0) {
    throw HeError("he parameters: ring degree " + std::to_string(degree) +
                  " is not in the HomomorphicEncryption.org 128-bit table (1024..32768)");
  }
  if (plaintext_bits < 1 || plaintext_bits > 64) {
    throw HeError("he parameters: plaintext bits " + std::to_string(plaintext_bits) +
                  " outside 1..64");
  }
  if (primes_.empty()) throw HeError("he parameters: no primes");
  if (options.error_sigma <= 0 || options.error_tail_sigmas < 1 || options.statistical_bits > 128) {
    throw HeError("he parameters: error sigma, tail or statistical bits out of range");
  }
  for (std::size_t i = 0; i < primes_.size(); ++i) {
    const std::uint64_t p = primes_[i];
    if (p >= (std::uint64_t{1} << 61) || !detail::is_prime(p) || (p - 1) % (2 * degree) != 0) {
      throw HeError("he parameters: prime " + std::to_string(i) + " (" + std::to_string(p) +
                    ") is not an NTT-friendly prime below 2^61 for degree " +
                    std::to_string(degree));
    }
    if (std::count(primes_.begin(), primes_.end(), p) > 1) {
      throw HeError("he parameters: prime " + std::to_string(p) + " repeated");
    }
    log_q_ += std::log2(static_cast<double>(p));
  }
  // The exact product's bit length: log2 of 60-bit primes is exact enough
  // that the ceiling is the integer bit length of q.
  if (std::ceil(log_q_ - 1e-9) > limit) {
    throw HeError("he parameters: log2 q = " + std::to_string(log_q_) + " exceeds " +
                  std::to_string(limit) +
                  ", the 128-bit security limit for N = " + std::to_string(degree));
  }
}

HeParameters HeParameters::standard(std::uint32_t plaintext_bits, std::size_t prime_count,
                                    const HeOptions& options) {
  return HeParameters(options.degree,
                      detail::ntt_primes(prime_count, options.prime_bits, options.degree),
                      plaintext_bits, options);
}

std::int64_t HeParameters::error_bound() const {
  return static_cast<std::int64_t>(std::floor(options_.error_tail_sigmas * options_.error_sigma));
}

std::uint32_t HeParameters::switched_bits() const {
  std::uint32_t log_n = 0;
  while ((std::size_t{1} << log_n) < degree_ + 1) ++log_n;
  return plaintext_bits_ + 2 + log_n;
}

}  // namespace pinas::he
