#include <gtest/gtest.h>

#include <random>

#include "crypto/he/detail/primes.h"
#include "crypto/he/he_error.h"
#include "crypto/he/he_parameters.h"
#include "crypto/he/modulus.h"
#include "crypto/he/ntt.h"

namespace pinas::he {
namespace {

TEST(HeModulus, BarrettAndShoupAgreeWithDivision) {
  std::mt19937_64 random(1);
  for (std::uint64_t p : detail::ntt_primes(3, 60, 8192)) {
    Modulus m(p);
    for (int i = 0; i < 20000; ++i) {
      const uint128 x = (static_cast<uint128>(random()) << 64) | random();
      ASSERT_EQ(m.reduce(x), static_cast<std::uint64_t>(x % p));
      const std::uint64_t a = random() % p, b = random() % p;
      ASSERT_EQ(m.multiply(a, b), static_cast<std::uint64_t>(static_cast<uint128>(a) * b % p));
      const std::uint64_t x64 = random();
      ASSERT_EQ(m.multiply_shoup(x64, b, m.shoup(b)),
                static_cast<std::uint64_t>(static_cast<uint128>(x64) * b % p));
    }
    EXPECT_EQ(m.multiply(m.inverse(12345), 12345), 1u);
    EXPECT_EQ(m.from_signed(-1), p - 1);
    EXPECT_EQ(m.from_signed(INT64_MIN),
              static_cast<std::uint64_t>((p - (static_cast<uint128>(1) << 63) % p) % p));
  }
}

TEST(HePrimes, NttPrimesAreNttFriendlyAndDistinct) {
  const auto primes = detail::ntt_primes(4, 60, 8192);
  for (std::size_t i = 0; i < primes.size(); ++i) {
    EXPECT_TRUE(detail::is_prime(primes[i]));
    EXPECT_EQ(primes[i] % 16384, 1u);
    EXPECT_LT(primes[i], std::uint64_t{1} << 60);
    if (i > 0) {
      EXPECT_LT(primes[i], primes[i - 1]);
    }
  }
  EXPECT_FALSE(detail::is_prime(3215031751ULL));  // a strong pseudoprime to bases 2, 3, 5, 7
  EXPECT_TRUE(detail::is_prime(18446744073709551557ULL));
}

// The NTT product equals the schoolbook negacyclic product, for every prime
// the backend uses (the N = 8192 primes) and for a small ring.
TEST(HeNtt, MatchesSchoolbookNegacyclicProductForEveryPrime) {
  std::mt19937_64 random(7);
  struct Case {
    std::size_t degree;
    std::vector<std::uint64_t> primes;
  };
  std::vector<Case> cases{{8192, detail::ntt_primes(3, 60, 8192)},
                          {16, detail::ntt_primes(2, 30, 16)}};
  for (const auto& c : cases) {
    for (std::uint64_t p : c.primes) {
      NttTables tables(p, c.degree);
      std::vector<std::uint64_t> a(c.degree), b(c.degree);
      for (auto& v : a) v = random() % p;
      for (auto& v : b) v = random() % p;
      const auto expected = schoolbook_negacyclic_product(a, b, tables.modulus());
      auto fa = a, fb = b;
      tables.forward(fa);
      tables.forward(fb);
      for (std::size_t i = 0; i < c.degree; ++i) fa[i] = tables.modulus().multiply(fa[i], fb[i]);
      tables.inverse(fa);
      EXPECT_EQ(fa, expected) << "prime " << p << ", degree " << c.degree;
      auto round_trip = a;
      tables.forward(round_trip);
      tables.inverse(round_trip);
      EXPECT_EQ(round_trip, a);
    }
  }
  // X · X^(N-1) = X^N = -1.
  NttTables tables(detail::ntt_primes(1, 60, 8192)[0], 8192);
  std::vector<std::uint64_t> x(8192, 0), y(8192, 0);
  x[1] = 1;
  y[8191] = 1;
  auto product = schoolbook_negacyclic_product(x, y, tables.modulus());
  EXPECT_EQ(product[0], tables.modulus().value() - 1);
}

TEST(HeParameters, GuardRefusesParametersBeyondTheSecurityTable) {
  EXPECT_EQ(max_log_q_128(8192), 218);
  EXPECT_EQ(max_log_q_128(4096), 109);
  EXPECT_EQ(max_log_q_128(3000), 0);
  // Three 60-bit primes at N = 8192: 180 bits, allowed.
  const auto standard = HeParameters::standard(48, 3);
  EXPECT_EQ(standard.degree(), 8192u);
  EXPECT_NEAR(standard.log_q(), 180.0, 0.01);
  // Four 60-bit primes: 240 > 218 bits.
  EXPECT_THROW(HeParameters::standard(48, 4), HeError);
  try {
    HeParameters(8192, detail::ntt_primes(4, 60, 8192), 48);
    FAIL() << "no exception";
  } catch (const HeError& error) {
    EXPECT_TRUE(std::string(error.what()).find("128-bit security limit for N = 8192") !=
                std::string::npos);
  }
  // N = 4096 allows 109 bits: two 54-bit primes yes, two 60-bit primes no.
  EXPECT_NO_THROW(HeParameters(4096, detail::ntt_primes(2, 54, 4096), 32));
  EXPECT_THROW(HeParameters(4096, detail::ntt_primes(2, 60, 4096), 32), HeError);
  // A degree outside the table, a prime that is not 1 mod 2N, a repeated prime, a bad ℓ.
  EXPECT_THROW(HeParameters(3000, {12289}, 16), HeError);
  EXPECT_THROW(HeParameters(8192, {(std::uint64_t{1} << 61) - 1}, 16), HeError);
  const auto p = detail::ntt_primes(1, 60, 8192)[0];
  EXPECT_THROW(HeParameters(8192, {p, p}, 16), HeError);
  EXPECT_THROW(HeParameters(8192, {p}, 65), HeError);
}

}  // namespace
}  // namespace pinas::he
