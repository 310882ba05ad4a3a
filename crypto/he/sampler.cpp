#include "crypto/he/sampler.h"

#include <cmath>

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
  // The discrete Gaussian on [-bound, bound], ρ(x) = exp(-x²/2σ²), by a
  // cumulative table over |x| (probabilities scaled to 2^63) and a random sign.
  if (bound < 0 || bound > 4096) throw HeError("sampler: Gaussian bound " + std::to_string(bound));
  std::vector<double> weights(static_cast<std::size_t>(bound) + 1);
  double total = 0;
  for (std::int64_t x = 0; x <= bound; ++x) {
    const double rho = std::exp(-static_cast<double>(x * x) / (2 * sigma * sigma));
    weights[static_cast<std::size_t>(x)] = x == 0 ? rho : 2 * rho;  // ±x
    total += weights[static_cast<std::size_t>(x)];
  }
  std::vector<std::uint64_t> cumulative(weights.size());
  double running = 0;
  for (std::size_t x = 0; x < weights.size(); ++x) {
    running += weights[x];
    cumulative[x] = static_cast<std::uint64_t>(std::ldexp(running / total, 63));
  }
  cumulative.back() = std::uint64_t{1} << 63;
  std::vector<std::int64_t> result(count);
  for (auto& value : result) {
    const std::uint64_t word = prg_.random_uint64();
    const std::uint64_t u = word >> 1;  // 63 bits for the magnitude, 1 for the sign
    std::size_t x = 0;
    while (cumulative[x] <= u) ++x;
    const std::int64_t magnitude = static_cast<std::int64_t>(x);
    value = (word & 1) != 0 ? -magnitude : magnitude;
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
