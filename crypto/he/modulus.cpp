#include "crypto/he/modulus.h"

#include "crypto/he/he_error.h"

namespace pinas::he {

Modulus::Modulus(std::uint64_t value) : value_(value) {
  if (value < 3 || value % 2 == 0 || value >= (std::uint64_t{1} << 61)) {
    throw HeError("modulus " + std::to_string(value) + " is not an odd number in [3, 2^61)");
  }
  // floor(2^128 / p) = floor((2^128 - 1) / p) since p is odd (not a power of two).
  const uint128 all_ones = ~static_cast<uint128>(0);
  const uint128 ratio = all_ones / value;
  ratio_lo_ = static_cast<std::uint64_t>(ratio);
  ratio_hi_ = static_cast<std::uint64_t>(ratio >> 64);
}

std::uint64_t Modulus::power(std::uint64_t base, std::uint64_t exponent) const {
  std::uint64_t result = 1 % value_;
  base = reduce(base);
  while (exponent != 0) {
    if (exponent & 1) result = multiply(result, base);
    base = multiply(base, base);
    exponent >>= 1;
  }
  return result;
}

}  // namespace pinas::he
