#include <gtest/gtest.h>

#include <random>

#include "crypto/he/decryptor.h"
#include "crypto/he/encryptor.h"
#include "crypto/he/evaluator.h"
#include "crypto/he/he_context.h"
#include "crypto/he/he_error.h"
#include "crypto/he/keys.h"
#include "crypto/he/noise_budget.h"
#include "crypto/he/sampler.h"

namespace pinas::he {
namespace {

crypto::Block seed(std::uint64_t value) {
  return crypto::Block::from_uint64(0x5eed, value);
}

std::vector<std::uint32_t> all_positions(std::size_t n) {
  std::vector<std::uint32_t> positions(n);
  for (std::size_t i = 0; i < n; ++i) positions[i] = static_cast<std::uint32_t>(i);
  return positions;
}

std::uint64_t mask_of(std::uint32_t bits) {
  return bits == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
}

long double magnitude(__int128 v) {
  return static_cast<long double>(v < 0 ? -v : v);
}

class HeRoundTrip : public ::testing::TestWithParam<std::uint32_t> {};

// Fresh symmetric encryptions decrypt to the plaintext after switching to
// 2^k, with noise within the computed bound; so do public-key encryptions of
// zero plus a masking plaintext.
TEST_P(HeRoundTrip, EncryptSwitchDecrypt) {
  const std::uint32_t bits = GetParam();
  const HeContext context(HeParameters::standard(bits, 3));
  const std::size_t n = context.degree();
  crypto::Prg prg(seed(bits));
  const SecretKey secret = generate_secret_key(context, prg);
  Encryptor encryptor(context, prg);
  Decryptor decryptor(context, secret);
  std::mt19937_64 random(bits);
  std::vector<std::uint64_t> m(n);
  for (auto& v : m) v = random() & mask_of(bits);
  m[0] = 0;
  m[1] = mask_of(bits);  // the extremes of Z_t
  auto seeded = encryptor.encrypt_symmetric(secret, m, seed(100 + bits));
  Ciphertext ciphertext = expand(context, seeded);
  context.from_ntt(ciphertext.b);
  context.from_ntt(ciphertext.a);
  const std::uint32_t k = context.parameters().switched_bits();
  SwitchedCiphertext switched{k, context.switch_to_power_of_two(ciphertext.a, {}, k),
                              context.switch_to_power_of_two(ciphertext.b, {}, k)};
  const auto positions = all_positions(n);
  EXPECT_EQ(decryptor.decrypt(switched, positions), m);
  long double worst = 0;
  for (auto v : decryptor.noise(switched, positions, m)) worst = std::max(worst, magnitude(v));
  EXPECT_LE(worst, fresh_switched_noise(context.parameters()));
  EXPECT_LT(std::log2(fresh_switched_noise(context.parameters())), k - bits - 1.0);

  // Server side: Enc_pk(0) + the ciphertext · 1, mask added at some positions.
  crypto::Prg key_prg(seed(7));
  const PublicKey key = generate_public_key(context, secret, seed(8), key_prg);
  const PublicKey received = public_key_from(context, key.seed, key.b);
  Evaluator evaluator(context);
  std::vector<std::int64_t> one(n, 0);
  one[0] = 1;
  Ciphertext accumulator;
  evaluator.multiply_accumulate(accumulator, expand(context, seeded),
                                evaluator.transform_plaintext(one));
  std::vector<std::uint32_t> some{0, 1, 5, 4095, static_cast<std::uint32_t>(n - 1)};
  std::vector<std::uint64_t> mask{3, 1, mask_of(bits), 0, 12345}, expected;
  std::vector<__int128> flood(some.size(), 0);
  auto result =
      evaluator.finish(accumulator, encryptor.encrypt_zero(received), some, mask, flood, k);
  ASSERT_EQ(result.b.size(), some.size());
  for (std::size_t i = 0; i < some.size(); ++i)
    expected.push_back((m[some[i]] + mask[i]) & mask_of(bits));
  EXPECT_EQ(decryptor.decrypt(result, some), expected);
}

INSTANTIATE_TEST_SUITE_P(RingBits, HeRoundTrip, ::testing::Values(16u, 32u, 48u, 64u));

// The lazy 128-bit accumulator (reduced every 60 terms) equals the reduced one.
TEST(HeEvaluator, WideAccumulationEqualsReducedAccumulation) {
  const HeContext context(HeParameters::standard(48, 3));
  crypto::Prg prg(seed(21));
  Sampler sampler(prg);
  Evaluator evaluator(context);
  Ciphertext narrow;
  Evaluator::WideAccumulator wide;
  for (int term = 0; term < 130; ++term) {
    const Ciphertext ciphertext{sampler.uniform(context), sampler.uniform(context)};
    const RnsPolynomial plaintext = sampler.uniform(context);  // worst case: full-size residues
    evaluator.multiply_accumulate(narrow, ciphertext, plaintext);
    evaluator.multiply_accumulate(wide, ciphertext, plaintext);
  }
  const Ciphertext reduced = evaluator.reduce(wide);
  EXPECT_EQ(reduced.a, narrow.a);
  EXPECT_EQ(reduced.b, narrow.b);
}

TEST(HeEncryption, SeededCiphertextsFromAPeerAreChecked) {
  const HeContext context(HeParameters::standard(32, 2));
  SeededCiphertext bad{seed(1), context.zero()};
  bad.b[5] = context.modulus(0).value();  // a residue not below its prime
  EXPECT_THROW(expand(context, bad), HeError);
  bad.b.pop_back();
  EXPECT_THROW(expand(context, bad), HeError);
  EXPECT_THROW(public_key_from(context, seed(1), RnsPolynomial(3, 0)), HeError);
}

TEST(HeEncryption, SamplersStayWithinTheirBounds) {
  crypto::Prg prg(seed(3));
  Sampler sampler(prg);
  auto e = sampler.gaussian(100000, 3.2, 19);
  double sum = 0, square = 0;
  for (auto v : e) {
    ASSERT_LE(std::abs(v), 19);
    sum += static_cast<double>(v);
    square += static_cast<double>(v * v);
  }
  EXPECT_NEAR(sum / 1e5, 0.0, 0.05);
  EXPECT_NEAR(std::sqrt(square / 1e5), 3.2, 0.05);
  int counts[3] = {0, 0, 0};
  for (auto v : sampler.ternary(90000)) ++counts[v + 1];
  for (int c : counts) EXPECT_NEAR(c, 30000, 600);
  for (auto v : sampler.flood(10000, 70)) {
    ASSERT_LE(v, static_cast<__int128>(1) << 70);
    ASSERT_GE(v, -(static_cast<__int128>(1) << 70));
  }
}

TEST(HeNoiseBudget, LayerBoundsFollowTheFormula) {
  const auto parameters = HeParameters::standard(48, 3);
  const auto noise = layer_noise(parameters, 378, 18, 14336);
  EXPECT_NEAR(static_cast<double>(noise.weight_noise), 378.0 * 131072.0 * 19.5, 1.0);
  EXPECT_NEAR(static_cast<double>(noise.public_key_noise), 19.0 * 16385.0, 1e-6);
  EXPECT_TRUE(noise.fits());
  EXPECT_LT(std::log2(static_cast<double>(noise.switched_bound)), noise.switched_limit_log2);
  // With two primes (120 bits) the same layer at ℓ = 48 does not fit.
  EXPECT_FALSE(layer_noise(HeParameters::standard(48, 2), 378, 18, 14336).fits());
}

}  // namespace
}  // namespace pinas::he
