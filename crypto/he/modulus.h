#pragma once

#include <cstdint>

namespace pinas::he {

using uint128 = unsigned __int128;

// Arithmetic modulo an odd prime p < 2^61 on uint64_t words (inputs reduced
// unless a function says otherwise). Multiplication uses Barrett reduction of
// the 128-bit product with the precomputed ratio floor(2^128 / p); the Shoup
// form (multiply_shoup) multiplies by a constant known in advance, which is
// what the NTT butterflies use. Value type, thread-safe.
class Modulus {
 public:
  Modulus() = default;
  explicit Modulus(std::uint64_t value);

  std::uint64_t value() const { return value_; }
  int bits() const { return 64 - __builtin_clzll(value_); }

  // x mod p for any 128-bit x.
  std::uint64_t reduce(uint128 x) const {
    // Barrett: q' = floor(x·ratio / 2^128) is floor(x/p) or one less.
    const std::uint64_t x_lo = static_cast<std::uint64_t>(x),
                        x_hi = static_cast<std::uint64_t>(x >> 64);
    const uint128 lo_lo = static_cast<uint128>(x_lo) * ratio_lo_;
    const uint128 lo_hi = static_cast<uint128>(x_lo) * ratio_hi_;
    const uint128 hi_lo = static_cast<uint128>(x_hi) * ratio_lo_;
    const uint128 middle =
        (lo_lo >> 64) + static_cast<std::uint64_t>(lo_hi) + static_cast<std::uint64_t>(hi_lo);
    const std::uint64_t quotient = static_cast<std::uint64_t>((lo_hi >> 64) + (hi_lo >> 64) +
                                                              (middle >> 64) + x_hi * ratio_hi_);
    std::uint64_t r = x_lo - quotient * value_;
    return r >= value_ ? r - value_ : r;
  }
  std::uint64_t reduce(std::uint64_t x) const {
    return x >= value_ ? reduce(static_cast<uint128>(x)) : x;
  }
  std::uint64_t add(std::uint64_t a, std::uint64_t b) const {
    const std::uint64_t s = a + b;
    return s >= value_ ? s - value_ : s;
  }
  std::uint64_t subtract(std::uint64_t a, std::uint64_t b) const {
    return a >= b ? a - b : a + value_ - b;
  }
  std::uint64_t negate(std::uint64_t a) const { return a == 0 ? 0 : value_ - a; }
  std::uint64_t multiply(std::uint64_t a, std::uint64_t b) const {
    return reduce(static_cast<uint128>(a) * b);
  }
  // The residue of a signed integer.
  std::uint64_t from_signed(std::int64_t x) const {
    const std::uint64_t magnitude =
        x >= 0 ? static_cast<std::uint64_t>(x) : 0 - static_cast<std::uint64_t>(x);
    return x >= 0 ? reduce(magnitude) : negate(reduce(magnitude));
  }

  // floor(w · 2^64 / p), for multiply_shoup by the constant w (w < p).
  std::uint64_t shoup(std::uint64_t w) const {
    return static_cast<std::uint64_t>((static_cast<uint128>(w) << 64) / value_);
  }
  // x·w mod p in [0, 2p) for any 64-bit x, w < p with w_shoup = shoup(w).
  std::uint64_t multiply_shoup_lazy(std::uint64_t x, std::uint64_t w, std::uint64_t w_shoup) const {
    const std::uint64_t q = static_cast<std::uint64_t>((static_cast<uint128>(x) * w_shoup) >> 64);
    return x * w - q * value_;
  }
  std::uint64_t multiply_shoup(std::uint64_t x, std::uint64_t w, std::uint64_t w_shoup) const {
    const std::uint64_t r = multiply_shoup_lazy(x, w, w_shoup);
    return r >= value_ ? r - value_ : r;
  }

  std::uint64_t power(std::uint64_t base, std::uint64_t exponent) const;
  // a^(p-2); requires a != 0.
  std::uint64_t inverse(std::uint64_t a) const { return power(a, value_ - 2); }

 private:
  std::uint64_t value_ = 0;
  std::uint64_t ratio_lo_ = 0, ratio_hi_ = 0;  // floor(2^128 / p)
};

}  // namespace pinas::he
