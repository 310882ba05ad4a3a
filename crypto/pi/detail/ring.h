#pragma once

#include <cmath>
#include <cstdint>

namespace pinas::pi::detail {

// Arithmetic in Z_{2^bits} on uint64_t words (bits in 1..64): results are
// always reduced to the low `bits` bits. Value type, thread-safe.
class Ring {
 public:
  explicit Ring(std::uint32_t bits)
      : bits_(bits), mask_(bits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1) {}

  std::uint32_t bits() const { return bits_; }
  std::uint64_t mask() const { return mask_; }
  std::uint64_t reduce(std::uint64_t x) const { return x & mask_; }
  std::uint64_t add(std::uint64_t a, std::uint64_t b) const { return (a + b) & mask_; }
  std::uint64_t subtract(std::uint64_t a, std::uint64_t b) const { return (a - b) & mask_; }
  std::uint64_t multiply(std::uint64_t a, std::uint64_t b) const { return (a * b) & mask_; }
  std::uint64_t negate(std::uint64_t a) const { return (0 - a) & mask_; }
  // The two's-complement reading of the low `bits` bits.
  std::int64_t to_signed(std::uint64_t x) const {
    x &= mask_;
    if (bits_ < 64 && (x >> (bits_ - 1)) != 0) return static_cast<std::int64_t>(x | ~mask_);
    return static_cast<std::int64_t>(x);
  }
  std::uint64_t from_signed(std::int64_t x) const { return static_cast<std::uint64_t>(x) & mask_; }
  // floor(to_signed(x) / 2^shift), reduced: the exact truncation the garbled
  // circuits compute.
  std::uint64_t truncate(std::uint64_t x, std::uint32_t shift) const {
    if (shift == 0) return reduce(x);
    return from_signed(to_signed(x) >> shift);
  }
  // round(value · 2^scale) as a ring element.
  std::uint64_t encode(double value, std::uint32_t scale) const {
    return from_signed(static_cast<std::int64_t>(std::llround(std::ldexp(value, scale))));
  }
  double decode(std::uint64_t x, std::uint32_t scale) const {
    return std::ldexp(static_cast<double>(to_signed(x)), -static_cast<int>(scale));
  }

 private:
  std::uint32_t bits_;
  std::uint64_t mask_;
};

}  // namespace pinas::pi::detail
