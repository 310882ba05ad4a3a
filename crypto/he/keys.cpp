#include "crypto/he/keys.h"

#include <string>

#include "crypto/he/he_error.h"
#include "crypto/he/sampler.h"

namespace pinas::he {

SecretKey generate_secret_key(const HeContext& context, crypto::Prg& prg) {
  Sampler sampler(prg);
  SecretKey key;
  key.coefficients = sampler.ternary(context.degree());
  key.ntt = context.from_signed(key.coefficients);
  context.to_ntt(key.ntt);
  return key;
}

PublicKey generate_public_key(const HeContext& context, const SecretKey& secret,
                              const crypto::Block& seed, crypto::Prg& prg) {
  crypto::Prg public_prg(seed);
  PublicKey key;
  key.seed = seed;
  key.a = Sampler(public_prg).uniform(context);
  const auto& p = context.parameters();
  key.b = context.from_signed(
      Sampler(prg).gaussian(context.degree(), p.options().error_sigma, p.error_bound()));
  context.to_ntt(key.b);
  for (std::size_t i = 0; i < context.prime_count(); ++i) {
    const Modulus& m = context.modulus(i);
    for (std::size_t j = i * context.degree(); j < (i + 1) * context.degree(); ++j) {
      key.b[j] = m.subtract(key.b[j], m.multiply(key.a[j], secret.ntt[j]));
    }
  }
  return key;
}

PublicKey public_key_from(const HeContext& context, const crypto::Block& seed, RnsPolynomial b) {
  check_polynomial(context, b, "public key");
  crypto::Prg public_prg(seed);
  PublicKey key;
  key.seed = seed;
  key.a = Sampler(public_prg).uniform(context);
  key.b = std::move(b);
  return key;
}

void check_polynomial(const HeContext& context, const RnsPolynomial& p, const char* what) {
  if (p.size() != context.prime_count() * context.degree()) {
    throw HeError(std::string(what) + ": " + std::to_string(p.size()) + " residues, expected " +
                  std::to_string(context.prime_count() * context.degree()));
  }
  for (std::size_t i = 0; i < context.prime_count(); ++i) {
    const std::uint64_t prime = context.modulus(i).value();
    for (std::size_t j = i * context.degree(); j < (i + 1) * context.degree(); ++j) {
      if (p[j] >= prime) {
        throw HeError(std::string(what) + ": residue " + std::to_string(j) +
                      " is not below its prime");
      }
    }
  }
}

}  // namespace pinas::he
