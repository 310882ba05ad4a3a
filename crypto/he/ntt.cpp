#include "crypto/he/ntt.h"

#include "crypto/he/detail/primes.h"
#include "crypto/he/he_error.h"

namespace pinas::he {

namespace {

std::size_t bit_reverse(std::size_t value, int bits) {
  std::size_t result = 0;
  for (int i = 0; i < bits; ++i) {
    result = (result << 1) | (value & 1);
    value >>= 1;
  }
  return result;
}

}  // namespace

NttTables::NttTables(std::uint64_t prime, std::size_t degree) : modulus_(prime), degree_(degree) {
  const std::uint64_t psi = detail::primitive_root_of_unity(prime, degree);
  const std::uint64_t psi_inverse = modulus_.inverse(psi);
  int log_degree = 0;
  while ((std::size_t{1} << log_degree) < degree) ++log_degree;
  roots_.resize(degree);
  inverse_roots_.resize(degree);
  std::uint64_t power = 1, inverse_power = 1;
  std::vector<std::uint64_t> powers(degree), inverse_powers(degree);
  for (std::size_t i = 0; i < degree; ++i) {
    powers[i] = power;
    inverse_powers[i] = inverse_power;
    power = modulus_.multiply(power, psi);
    inverse_power = modulus_.multiply(inverse_power, psi_inverse);
  }
  roots_shoup_.resize(degree);
  inverse_roots_shoup_.resize(degree);
  for (std::size_t i = 0; i < degree; ++i) {
    const std::size_t r = bit_reverse(i, log_degree);
    roots_[i] = powers[r];
    inverse_roots_[i] = inverse_powers[r];
    roots_shoup_[i] = modulus_.shoup(roots_[i]);
    inverse_roots_shoup_[i] = modulus_.shoup(inverse_roots_[i]);
  }
  degree_inverse_ = modulus_.inverse(modulus_.reduce(static_cast<std::uint64_t>(degree)));
  degree_inverse_shoup_ = modulus_.shoup(degree_inverse_);
}

// Harvey's lazy butterflies: values stay in [0, 4p) (forward) or [0, 2p)
// (inverse) between stages and are reduced once at the end; the conditional
// subtractions are written as masks so the compiler emits no branches
// (on random residues a branch mispredicts half the time).
namespace {

inline std::uint64_t subtract_if_at_least(std::uint64_t x, std::uint64_t bound) {
  return x - (bound & (0 - static_cast<std::uint64_t>(x >= bound)));
}

}  // namespace

void NttTables::forward(std::span<std::uint64_t> a) const {
  if (a.size() != degree_)
    throw HeError("ntt: " + std::to_string(a.size()) + " values for degree " +
                  std::to_string(degree_));
  const std::uint64_t p = modulus_.value(), two_p = 2 * p;
  std::size_t t = degree_;
  for (std::size_t m = 1; m < degree_; m <<= 1) {
    t >>= 1;
    for (std::size_t i = 0; i < m; ++i) {
      const std::uint64_t w = roots_[m + i], w_shoup = roots_shoup_[m + i];
      std::uint64_t* __restrict x = a.data() + 2 * i * t;
      std::uint64_t* __restrict y = x + t;
      for (std::size_t j = 0; j < t; ++j) {
        const std::uint64_t u = subtract_if_at_least(x[j], two_p);
        const std::uint64_t v = modulus_.multiply_shoup_lazy(y[j], w, w_shoup);  // [0, 2p)
        x[j] = u + v;
        y[j] = u + two_p - v;
      }
    }
  }
  for (auto& value : a) value = subtract_if_at_least(subtract_if_at_least(value, two_p), p);
}

void NttTables::inverse(std::span<std::uint64_t> a) const {
  if (a.size() != degree_)
    throw HeError("inverse ntt: " + std::to_string(a.size()) + " values for degree " +
                  std::to_string(degree_));
  const std::uint64_t p = modulus_.value(), two_p = 2 * p;
  std::size_t t = 1;
  for (std::size_t m = degree_; m > 1; m >>= 1) {
    const std::size_t h = m / 2;
    for (std::size_t i = 0; i < h; ++i) {
      const std::uint64_t w = inverse_roots_[h + i], w_shoup = inverse_roots_shoup_[h + i];
      std::uint64_t* __restrict x = a.data() + 2 * i * t;
      std::uint64_t* __restrict y = x + t;
      for (std::size_t j = 0; j < t; ++j) {
        const std::uint64_t u = x[j], v = y[j];  // [0, 2p)
        x[j] = subtract_if_at_least(u + v, two_p);
        y[j] = modulus_.multiply_shoup_lazy(u + two_p - v, w, w_shoup);
      }
    }
    t <<= 1;
  }
  for (auto& value : a) {
    value = modulus_.multiply_shoup(value, degree_inverse_, degree_inverse_shoup_);
  }
}

std::vector<std::uint64_t> schoolbook_negacyclic_product(std::span<const std::uint64_t> a,
                                                         std::span<const std::uint64_t> b,
                                                         const Modulus& modulus) {
  const std::size_t n = a.size();
  if (b.size() != n) throw HeError("schoolbook product: operands of different degrees");
  std::vector<std::uint64_t> result(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] == 0) continue;
    for (std::size_t j = 0; j < n; ++j) {
      const std::uint64_t product = modulus.multiply(a[i], b[j]);
      const std::size_t k = i + j;
      if (k < n) {
        result[k] = modulus.add(result[k], product);
      } else {
        result[k - n] = modulus.subtract(result[k - n], product);  // X^n = -1
      }
    }
  }
  return result;
}

}  // namespace pinas::he
