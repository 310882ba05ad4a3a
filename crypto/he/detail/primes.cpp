#include "crypto/he/detail/primes.h"

#include "crypto/he/he_error.h"
#include "crypto/he/modulus.h"

namespace pinas::he::detail {

namespace {

std::uint64_t power_mod(std::uint64_t base, std::uint64_t exponent, std::uint64_t n) {
  uint128 result = 1, b = base % n;
  while (exponent != 0) {
    if (exponent & 1) result = result * b % n;
    b = b * b % n;
    exponent >>= 1;
  }
  return static_cast<std::uint64_t>(result);
}

}  // namespace

bool is_prime(std::uint64_t n) {
  if (n < 2) return false;
  static constexpr std::uint64_t kBases[] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37};
  for (std::uint64_t p : kBases) {
    if (n % p == 0) return n == p;
  }
  std::uint64_t d = n - 1;
  int r = 0;
  while (d % 2 == 0) {
    d /= 2;
    ++r;
  }
  for (std::uint64_t a : kBases) {
    std::uint64_t x = power_mod(a, d, n);
    if (x == 1 || x == n - 1) continue;
    bool composite = true;
    for (int i = 1; i < r && composite; ++i) {
      x = static_cast<std::uint64_t>(static_cast<uint128>(x) * x % n);
      if (x == n - 1) composite = false;
    }
    if (composite) return false;
  }
  return true;
}

std::vector<std::uint64_t> ntt_primes(std::size_t count, int bits, std::size_t degree) {
  if (bits < 20 || bits > 61 || degree < 2 || (degree & (degree - 1)) != 0) {
    throw HeError("ntt_primes: need bits in [20, 61] and a power-of-two degree, got bits " +
                  std::to_string(bits) + ", degree " + std::to_string(degree));
  }
  const std::uint64_t step = 2 * static_cast<std::uint64_t>(degree);
  std::vector<std::uint64_t> primes;
  // The largest candidate below 2^bits that is 1 mod 2·degree.
  std::uint64_t candidate = ((std::uint64_t{1} << bits) - 1) / step * step + 1;
  if (candidate >= (std::uint64_t{1} << bits)) candidate -= step;
  const std::uint64_t floor = std::uint64_t{1} << (bits - 1);
  while (primes.size() < count && candidate > floor) {
    if (is_prime(candidate)) primes.push_back(candidate);
    candidate -= step;
  }
  if (primes.size() < count) {
    throw HeError("ntt_primes: only " + std::to_string(primes.size()) + " primes of " +
                  std::to_string(bits) + " bits are 1 mod " + std::to_string(step));
  }
  return primes;
}

std::uint64_t primitive_root_of_unity(std::uint64_t p, std::size_t degree) {
  const std::uint64_t order = 2 * static_cast<std::uint64_t>(degree);
  if (!is_prime(p) || (p - 1) % order != 0) {
    throw HeError("modulus " + std::to_string(p) + " is not a prime that is 1 mod " +
                  std::to_string(order));
  }
  const Modulus modulus(p);
  // g^((p-1)/2n) has order dividing 2n; it is primitive iff its n-th power is -1.
  for (std::uint64_t g = 2; g < p; ++g) {
    const std::uint64_t root = modulus.power(g, (p - 1) / order);
    if (modulus.power(root, degree) == p - 1) return root;
  }
  throw HeError("no primitive root of unity modulo " + std::to_string(p));
}

}  // namespace pinas::he::detail
