#include "crypto/he/he_context.h"

#include <cmath>
#include <string>

#include "crypto/he/he_error.h"

namespace pinas::he {

namespace {

// Little-endian 64-bit limbs of a non-negative integer.
using Limbs = std::vector<std::uint64_t>;

Limbs multiply(const Limbs& a, std::uint64_t b) {
  Limbs result(a.size() + 1, 0);
  uint128 carry = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const uint128 product = static_cast<uint128>(a[i]) * b + carry;
    result[i] = static_cast<std::uint64_t>(product);
    carry = product >> 64;
  }
  result[a.size()] = static_cast<std::uint64_t>(carry);
  return result;
}

std::uint64_t remainder(const Limbs& a, std::uint64_t m) {
  uint128 r = 0;
  for (std::size_t i = a.size(); i-- > 0;) r = ((r << 64) | a[i]) % m;
  return static_cast<std::uint64_t>(r);
}

Limbs shift_right(const Limbs& a, std::uint32_t bits) {
  const std::size_t words = bits / 64, rest = bits % 64;
  Limbs result(a.size() > words ? a.size() - words : 0, 0);
  for (std::size_t i = 0; i < result.size(); ++i) {
    std::uint64_t low = a[i + words] >> rest;
    if (rest != 0 && i + words + 1 < a.size()) low |= a[i + words + 1] << (64 - rest);
    result[i] = low;
  }
  return result;
}

}  // namespace

HeContext::HeContext(HeParameters parameters) : parameters_(std::move(parameters)) {
  const auto& primes = parameters_.primes();
  for (std::uint64_t p : primes) tables_.emplace_back(p, parameters_.degree());
  Limbs q{1};
  for (std::uint64_t p : primes) q = multiply(q, p);
  const std::uint32_t t_bits = parameters_.plaintext_bits();
  const Limbs delta = shift_right(q, t_bits);
  delta_remainder_ = t_bits == 64 ? q[0] : q[0] & ((std::uint64_t{1} << t_bits) - 1);
  for (std::size_t i = 0; i < primes.size(); ++i) {
    delta_residues_.push_back(remainder(delta, primes[i]));
    const Modulus& m = modulus(i);
    std::uint64_t others = 1;
    for (std::size_t j = 0; j < primes.size(); ++j) {
      if (j != i) others = m.multiply(others, m.reduce(primes[j]));
    }
    crt_factors_.push_back(m.inverse(others));
    crt_factors_shoup_.push_back(m.shoup(crt_factors_.back()));
    // floor(2^192 / p) by long division of 2^192 (words 0, 0, 0, 1) by p.
    uint128 rest = 1;
    std::array<std::uint64_t, 3> reciprocal{};
    for (int word = 2; word >= 0; --word) {
      const uint128 dividend = rest << 64;
      reciprocal[static_cast<std::size_t>(word)] = static_cast<std::uint64_t>(dividend / primes[i]);
      rest = dividend % primes[i];
    }
    reciprocals_.push_back(reciprocal);
  }
  const double log_n = std::log2(static_cast<double>(parameters_.degree()));
  if (primes.size() < 2 ||
      std::log2(static_cast<double>(primes[0])) + std::log2(static_cast<double>(primes[1])) <
          parameters_.switched_bits() + log_n + 2) {
    throw HeError("he context: the first two primes are too small to decrypt " +
                  std::to_string(parameters_.switched_bits()) +
                  "-bit switched ciphertexts exactly");
  }
  p0_inverse_mod_p1_ = modulus(1).inverse(modulus(1).reduce(primes[0]));
}

void HeContext::to_ntt(RnsPolynomial& p) const {
  for (std::size_t i = 0; i < prime_count(); ++i) tables_[i].forward(component(p, i));
}

void HeContext::from_ntt(RnsPolynomial& p) const {
  for (std::size_t i = 0; i < prime_count(); ++i) tables_[i].inverse(component(p, i));
}

RnsPolynomial HeContext::from_signed(std::span<const std::int64_t> coefficients) const {
  if (coefficients.size() != degree()) throw HeError("he context: wrong number of coefficients");
  RnsPolynomial result = zero();
  for (std::size_t i = 0; i < prime_count(); ++i) {
    auto out = component(result, i);
    const Modulus& m = modulus(i);
    for (std::size_t j = 0; j < degree(); ++j)
      out[j] = coefficients[j] == 0 ? 0 : m.from_signed(coefficients[j]);
  }
  return result;
}

std::uint64_t HeContext::scaled_residue(std::uint64_t m, std::size_t prime) const {
  // q·m/t = Δ·m + r·m/t with q = Δ·t + r, so round(q·m/t) = Δ·m + round(r·m/t).
  const std::uint32_t t_bits = plaintext_bits();
  const uint128 rm = static_cast<uint128>(delta_remainder_) * m;
  const std::uint64_t rounded =
      static_cast<std::uint64_t>((rm + (static_cast<uint128>(1) << (t_bits - 1))) >> t_bits);
  const Modulus& mod = modulus(prime);
  return mod.add(mod.multiply(delta_residues_[prime], mod.reduce(m)), mod.reduce(rounded));
}

void HeContext::add_scaled(RnsPolynomial& p, std::span<const std::uint64_t> m) const {
  if (m.size() != degree()) throw HeError("he context: wrong number of plaintext coefficients");
  for (std::size_t i = 0; i < prime_count(); ++i) {
    auto out = component(p, i);
    const Modulus& mod = modulus(i);
    for (std::size_t j = 0; j < degree(); ++j) {
      if (m[j] != 0) out[j] = mod.add(out[j], scaled_residue(m[j], i));
    }
  }
}

void HeContext::add_scaled_at(RnsPolynomial& p, std::span<const std::uint32_t> positions,
                              std::span<const std::uint64_t> m) const {
  if (m.size() != positions.size())
    throw HeError("he context: positions and values differ in number");
  for (std::size_t i = 0; i < prime_count(); ++i) {
    auto out = component(p, i);
    const Modulus& mod = modulus(i);
    for (std::size_t j = 0; j < positions.size(); ++j) {
      out[positions[j]] = mod.add(out[positions[j]], scaled_residue(m[j], i));
    }
  }
}

void HeContext::add_signed_at(RnsPolynomial& p, std::span<const std::uint32_t> positions,
                              std::span<const __int128> values) const {
  if (values.size() != positions.size())
    throw HeError("he context: positions and values differ in number");
  for (std::size_t i = 0; i < prime_count(); ++i) {
    auto out = component(p, i);
    const Modulus& mod = modulus(i);
    for (std::size_t j = 0; j < positions.size(); ++j) {
      const __int128 v = values[j];
      const std::uint64_t r = v >= 0 ? mod.reduce(static_cast<uint128>(v))
                                     : mod.negate(mod.reduce(static_cast<uint128>(-v)));
      out[positions[j]] = mod.add(out[positions[j]], r);
    }
  }
}

std::vector<uint128> HeContext::switch_to_power_of_two(const RnsPolynomial& p,
                                                       std::span<const std::uint32_t> positions,
                                                       std::uint32_t bits) const {
  if (bits < 1 || bits > 120) throw HeError("he context: switching to 2^" + std::to_string(bits));
  const std::size_t count = positions.empty() ? degree() : positions.size();
  std::vector<uint128> result(count);
  const uint128 half = static_cast<uint128>(1) << (127 - bits);
  const uint128 mask = (static_cast<uint128>(1) << bits) - 1;
  for (std::size_t k = 0; k < count; ++k) {
    const std::size_t j = positions.empty() ? k : positions[k];
    // x/q ≡ Σ_i y_i / p_i (mod 1) with y_i = x_i·(q/p_i)^-1 mod p_i.
    uint128 fraction = 0;
    for (std::size_t i = 0; i < prime_count(); ++i) {
      const Modulus& mod = modulus(i);
      const std::uint64_t y =
          mod.multiply_shoup(p[i * degree() + j], crt_factors_[i], crt_factors_shoup_[i]);
      const auto& r = reciprocals_[i];
      // Bits 64..191 of y·floor(2^192/p_i) = floor(y·2^128/p_i) - (0 or 1).
      const uint128 low = static_cast<uint128>(y) * r[0];
      const uint128 middle = static_cast<uint128>(y) * r[1];
      const std::uint64_t high = y * r[2];
      fraction += (low >> 64) + middle + (static_cast<uint128>(high) << 64);
    }
    result[k] = ((fraction + half) >> (128 - bits)) & mask;
  }
  return result;
}

std::vector<uint128> HeContext::multiply_ternary_mod_power_of_two(std::span<const uint128> a,
                                                                  const RnsPolynomial& s_ntt,
                                                                  std::uint32_t bits) const {
  const std::size_t n = degree();
  if (a.size() != n) throw HeError("he context: wrong number of coefficients to multiply");
  std::vector<std::uint64_t> r0(n), r1(n);
  const Modulus &m0 = modulus(0), &m1 = modulus(1);
  for (std::size_t j = 0; j < n; ++j) {
    r0[j] = m0.reduce(a[j]);
    r1[j] = m1.reduce(a[j]);
  }
  tables_[0].forward(r0);
  tables_[1].forward(r1);
  for (std::size_t j = 0; j < n; ++j) {
    r0[j] = m0.multiply(r0[j], s_ntt[j]);
    r1[j] = m1.multiply(r1[j], s_ntt[n + j]);
  }
  tables_[0].inverse(r0);
  tables_[1].inverse(r1);
  const uint128 p0 = m0.value(), product = p0 * m1.value(), half = product / 2;
  const uint128 mask =
      bits >= 128 ? ~static_cast<uint128>(0) : (static_cast<uint128>(1) << bits) - 1;
  std::vector<uint128> result(n);
  for (std::size_t j = 0; j < n; ++j) {
    // Garner: x = r0 + p0·((r1 - r0)·p0^-1 mod p1) in [0, p0·p1), then centred.
    const std::uint64_t k = m1.multiply(m1.subtract(r1[j], m1.reduce(r0[j])), p0_inverse_mod_p1_);
    uint128 x = r0[j] + p0 * k;
    if (x > half) x -= product;  // wraps mod 2^128: a negative value, reduced mod 2^bits below
    result[j] = x & mask;
  }
  return result;
}

}  // namespace pinas::he
