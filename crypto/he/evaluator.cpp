#include "crypto/he/evaluator.h"

#include "crypto/he/he_error.h"

namespace pinas::he {

RnsPolynomial Evaluator::transform_plaintext(std::span<const std::int64_t> coefficients) const {
  RnsPolynomial result = context_.from_signed(coefficients);
  context_.to_ntt(result);
  return result;
}

void Evaluator::multiply_accumulate(Ciphertext& accumulator, const Ciphertext& ciphertext,
                                    const RnsPolynomial& plaintext) const {
  const std::size_t size = context_.prime_count() * context_.degree();
  if (ciphertext.a.size() != size || ciphertext.b.size() != size || plaintext.size() != size) {
    throw HeError("evaluator: operands of the wrong size");
  }
  if (accumulator.a.empty()) accumulator = {context_.zero(), context_.zero()};
  for (std::size_t i = 0; i < context_.prime_count(); ++i) {
    const Modulus& mod = context_.modulus(i);
    for (std::size_t j = i * context_.degree(); j < (i + 1) * context_.degree(); ++j) {
      accumulator.b[j] = mod.add(accumulator.b[j], mod.multiply(ciphertext.b[j], plaintext[j]));
      accumulator.a[j] = mod.add(accumulator.a[j], mod.multiply(ciphertext.a[j], plaintext[j]));
    }
  }
}

void Evaluator::multiply_accumulate(WideAccumulator& accumulator, const Ciphertext& ciphertext,
                                    const RnsPolynomial& plaintext) const {
  const std::size_t size = context_.prime_count() * context_.degree();
  if (ciphertext.a.size() != size || ciphertext.b.size() != size || plaintext.size() != size) {
    throw HeError("evaluator: operands of the wrong size");
  }
  if (accumulator.a.empty()) {
    accumulator.a.assign(size, 0);
    accumulator.b.assign(size, 0);
  }
  if (accumulator.pending == 60) {
    for (std::size_t i = 0; i < context_.prime_count(); ++i) {
      const Modulus& mod = context_.modulus(i);
      for (std::size_t j = i * context_.degree(); j < (i + 1) * context_.degree(); ++j) {
        accumulator.b[j] = mod.reduce(accumulator.b[j]);
        accumulator.a[j] = mod.reduce(accumulator.a[j]);
      }
    }
    accumulator.pending = 1;  // the reduced values count as one term
  }
  for (std::size_t j = 0; j < size; ++j) {
    accumulator.b[j] += static_cast<uint128>(ciphertext.b[j]) * plaintext[j];
    accumulator.a[j] += static_cast<uint128>(ciphertext.a[j]) * plaintext[j];
  }
  ++accumulator.pending;
}

Ciphertext Evaluator::reduce(WideAccumulator& accumulator) const {
  Ciphertext result;
  if (accumulator.a.empty()) return result;
  result.a = context_.zero();
  result.b = context_.zero();
  for (std::size_t i = 0; i < context_.prime_count(); ++i) {
    const Modulus& mod = context_.modulus(i);
    for (std::size_t j = i * context_.degree(); j < (i + 1) * context_.degree(); ++j) {
      result.b[j] = mod.reduce(accumulator.b[j]);
      result.a[j] = mod.reduce(accumulator.a[j]);
    }
  }
  return result;
}

SwitchedCiphertext Evaluator::finish(Ciphertext accumulator, const Ciphertext& zero,
                                     std::span<const std::uint32_t> positions,
                                     std::span<const std::uint64_t> m,
                                     std::span<const __int128> flood, std::uint32_t bits) const {
  const std::size_t size = context_.prime_count() * context_.degree();
  if (accumulator.a.empty()) accumulator = {context_.zero(), context_.zero()};
  if (zero.a.size() != size || zero.b.size() != size)
    throw HeError("evaluator: zero encryption of the wrong size");
  for (std::size_t i = 0; i < context_.prime_count(); ++i) {
    const Modulus& mod = context_.modulus(i);
    for (std::size_t j = i * context_.degree(); j < (i + 1) * context_.degree(); ++j) {
      accumulator.b[j] = mod.add(accumulator.b[j], zero.b[j]);
      accumulator.a[j] = mod.add(accumulator.a[j], zero.a[j]);
    }
  }
  context_.from_ntt(accumulator.b);
  context_.from_ntt(accumulator.a);
  context_.add_scaled_at(accumulator.b, positions, m);
  context_.add_signed_at(accumulator.b, positions, flood);
  SwitchedCiphertext result;
  result.bits = bits;
  result.a = context_.switch_to_power_of_two(accumulator.a, {}, bits);
  result.b = context_.switch_to_power_of_two(accumulator.b, positions, bits);
  return result;
}

}  // namespace pinas::he
