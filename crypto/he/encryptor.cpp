#include "crypto/he/encryptor.h"

#include "crypto/he/sampler.h"

namespace pinas::he {

SeededCiphertext Encryptor::encrypt_symmetric(const SecretKey& secret,
                                              std::span<const std::uint64_t> m,
                                              const crypto::Block& seed) {
  crypto::Prg public_prg(seed);
  const RnsPolynomial a = Sampler(public_prg).uniform(context_);
  const auto& p = context_.parameters();
  SeededCiphertext result;
  result.seed = seed;
  result.b = context_.from_signed(
      Sampler(noise_).gaussian(context_.degree(), p.options().error_sigma, p.error_bound()));
  context_.add_scaled(result.b, m);
  context_.to_ntt(result.b);
  for (std::size_t i = 0; i < context_.prime_count(); ++i) {
    const Modulus& mod = context_.modulus(i);
    for (std::size_t j = i * context_.degree(); j < (i + 1) * context_.degree(); ++j) {
      result.b[j] = mod.subtract(result.b[j], mod.multiply(a[j], secret.ntt[j]));
    }
  }
  return result;
}

Ciphertext Encryptor::encrypt_zero(const PublicKey& key) {
  Sampler sampler(noise_);
  const auto& p = context_.parameters();
  RnsPolynomial u = context_.from_signed(sampler.ternary(context_.degree()));
  Ciphertext result;
  result.b = context_.from_signed(
      sampler.gaussian(context_.degree(), p.options().error_sigma, p.error_bound()));
  result.a = context_.from_signed(
      sampler.gaussian(context_.degree(), p.options().error_sigma, p.error_bound()));
  context_.to_ntt(u);
  context_.to_ntt(result.b);
  context_.to_ntt(result.a);
  for (std::size_t i = 0; i < context_.prime_count(); ++i) {
    const Modulus& mod = context_.modulus(i);
    for (std::size_t j = i * context_.degree(); j < (i + 1) * context_.degree(); ++j) {
      result.b[j] = mod.add(result.b[j], mod.multiply(key.b[j], u[j]));
      result.a[j] = mod.add(result.a[j], mod.multiply(key.a[j], u[j]));
    }
  }
  return result;
}

Ciphertext expand(const HeContext& context, SeededCiphertext seeded) {
  check_polynomial(context, seeded.b, "ciphertext");
  crypto::Prg public_prg(seeded.seed);
  Ciphertext result;
  result.a = Sampler(public_prg).uniform(context);
  result.b = std::move(seeded.b);
  return result;
}

}  // namespace pinas::he
