#include "crypto/he/sampler.h"

#include <cmath>
#include <numbers>

#include "crypto/he/he_error.h"

namespace pinas::he {

RnsPolynomial Sampler::uniform(const HeContext& context) {
  RnsPolynomial result = context.zero();
  for (std::size_t i = 0; i < context.prime_count(); ++i) {
    const std::uint64_t p = context.modulus(i).value();
    const int shift = 64 - context.modulus(i).bits();
    auto out = context.component(result, i);
    for (auto& value : out) {
      std::uint64_t v;
      do {
        v = prg_.random_uint64() >> shift;
      } while (v >= p);
      value = v;
    }
  }
  return result;
}

std::vector<std::int64_t> Sampler::ternary(std::size_t count) {
  std::vector<std::int64_t> result(count);
  std::uint64_t word = 0;
  int bytes_left = 0;
  for (auto& value : result) {
    std::uint64_t byte;
    do {
      if (bytes_left == 0) {
        word = prg_.random_uint64();
        bytes_left = 8;
      }
      byte = word & 0xff;
      word >>= 8;
      --bytes_left;
    } while (byte >= 255);  // 255 = 3·85: uniform mod 3 below it
    value = static_cast<std::int64_t>(byte % 3) - 1;
  }
  return result;
}

std::vector<std::int64_t> Sampler::gaussian(std::size_t count, double sigma, std::int64_t bound) {
  std::vector<std::int64_t> result(count);
  auto unit = [&] {  // uniform in (0, 1], 53 bits
    return (static_cast<double>(prg_.random_uint64() >> 11) + 1.0) * 0x1.0p-53;
  };
  for (auto& value : result) {
    std::int64_t v;
    do {
      const double radius = std::sqrt(-2.0 * std::log(unit()));
      const double angle = 2.0 * std::numbers::pi * unit();
      v = std::llround(sigma * radius * std::cos(angle));
    } while (v > bound || v < -bound);
    value = v;
  }
  return result;
}

std::vector<__int128> Sampler::flood(std::size_t count, std::uint32_t bits) {
  if (bits > 124)
    throw HeError("sampler: flooding bound 2^" + std::to_string(bits) + " exceeds 2^124");
  std::vector<__int128> result(count);
  const uint128 width = (static_cast<uint128>(1) << (bits + 1));  // values 0..width inclusive
  const uint128 mask = (static_cast<uint128>(1) << (bits + 2)) - 1;
  for (auto& value : result) {
    uint128 v;
    do {
      v = ((static_cast<uint128>(prg_.random_uint64()) << 64) | prg_.random_uint64()) & mask;
    } while (v > width);
    value = static_cast<__int128>(v) - (static_cast<__int128>(1) << bits);
  }
  return result;
}

}  // namespace pinas::he
