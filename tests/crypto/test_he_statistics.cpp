#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "crypto/he/conv_packing.h"
#include "crypto/he/decryptor.h"
#include "crypto/he/encryptor.h"
#include "crypto/he/evaluator.h"
#include "crypto/he/he_context.h"
#include "crypto/he/keys.h"
#include "crypto/he/noise_budget.h"
#include "crypto/he/sampler.h"

namespace pinas::he {
namespace {

// What the client sees of one returned ciphertext, reduced to statistics: the
// top 6 bits of every 'a' coefficient after removing the part the client can
// predict from the weights (a_in·W switched), the top 6 bits of 'b', and the
// decryption noise.
struct View {
  std::vector<double> a_residual_bins = std::vector<double>(64, 0),
                      b_bins = std::vector<double>(64, 0);
  std::vector<double> noise;
};

double chi_square(const std::vector<double>& bins) {
  double total = 0, chi = 0;
  for (double b : bins) total += b;
  const double expected = total / static_cast<double>(bins.size());
  for (double b : bins) chi += (b - expected) * (b - expected) / expected;
  return chi;
}

// The two-sample Kolmogorov-Smirnov statistic.
double kolmogorov_smirnov(std::vector<double> x, std::vector<double> y) {
  std::sort(x.begin(), x.end());
  std::sort(y.begin(), y.end());
  std::size_t i = 0, j = 0;
  double d = 0;
  while (i < x.size() && j < y.size()) {
    const double v = std::min(x[i], y[j]);
    while (i < x.size() && x[i] <= v) ++i;
    while (j < y.size() && y[j] <= v) ++j;
    d = std::max(d,
                 std::abs(static_cast<double>(i) / x.size() - static_cast<double>(j) / y.size()));
  }
  return d;
}

class HeStatistics : public ::testing::Test {
 protected:
  static constexpr std::uint32_t kBits = 48, kWeightBits = 18;
  HeStatistics()
      : context_(HeParameters::standard(kBits, 3)),
        prg_(crypto::Block::from_uint64(9, 9)),
        secret_(generate_secret_key(context_, prg_)),
        key_(generate_public_key(context_, secret_, crypto::Block::from_uint64(9, 10), prg_)),
        packing_(ConvShape{4, 8, 8, 4, 8, 8, 3, 1, 1, 1, 1}, context_.degree(), 4, 1) {
    Encryptor encryptor(context_, prg_);
    std::mt19937_64 random(1);
    input_.resize(4 * 8 * 8);
    for (auto& v : input_) v = random() & ((std::uint64_t{1} << kBits) - 1);
    std::vector<std::uint64_t> coefficients(context_.degree());
    packing_.encode_input(0, input_, coefficients);
    ciphertext_ =
        expand(context_, encryptor.encrypt_symmetric(secret_, coefficients, prg_.random_block()));
  }

  // `rounds` returned ciphertexts of output block 0 for weights `w`, with or
  // without re-randomization and flooding.
  View view(const std::vector<std::int64_t>& w, bool protect, int rounds) {
    Evaluator evaluator(context_);
    Encryptor encryptor(context_, prg_);
    Decryptor decryptor(context_, secret_);
    Sampler sampler(prg_);
    const std::uint32_t k = context_.parameters().switched_bits();
    const auto noise =
        layer_noise(context_.parameters(), packing_.kernel_terms(), kWeightBits, 256);
    std::vector<std::int64_t> kernel(context_.degree());
    packing_.encode_kernel(0, 0, w, kernel);
    const auto kernel_ntt = evaluator.transform_plaintext(kernel);
    // What the client can predict of 'a' from the weights: a_in·W, switched.
    Ciphertext predicted;
    evaluator.multiply_accumulate(predicted, ciphertext_, kernel_ntt);
    context_.from_ntt(predicted.a);
    const auto predicted_a = context_.switch_to_power_of_two(predicted.a, {}, k);
    const auto& positions = packing_.output_positions(0);
    std::vector<std::uint64_t> product(positions.size());
    {
      std::vector<std::uint64_t> full(4 * 8 * 8);
      full = packing_.evaluate_plain(input_, w);
      for (std::size_t i = 0; i < positions.size(); ++i)
        product[i] = full[packing_.output_elements(0)[i]];
    }
    View result;
    const uint128 mask = (static_cast<uint128>(1) << k) - 1;
    const Ciphertext nothing{context_.zero(), context_.zero()};
    for (int round = 0; round < rounds; ++round) {
      Ciphertext accumulator;
      evaluator.multiply_accumulate(accumulator, ciphertext_, kernel_ntt);
      std::vector<std::uint64_t> m(positions.size()), plain(positions.size());
      for (auto& v : m) v = prg_.random_uint64() & ((std::uint64_t{1} << kBits) - 1);
      for (std::size_t i = 0; i < m.size(); ++i)
        plain[i] = (product[i] + m[i]) & ((std::uint64_t{1} << kBits) - 1);
      const auto flood = protect ? sampler.flood(positions.size(), noise.flood_bits)
                                 : std::vector<__int128>(positions.size(), 0);
      auto returned = evaluator.finish(
          accumulator, protect ? encryptor.encrypt_zero(key_) : nothing, positions, m, flood, k);
      for (std::size_t j = 0; j < returned.a.size(); ++j) {
        const uint128 residual = (returned.a[j] - predicted_a[j]) & mask;
        result.a_residual_bins[static_cast<std::size_t>(residual >> (k - 6))] += 1;
      }
      for (auto b : returned.b) result.b_bins[static_cast<std::size_t>(b >> (k - 6))] += 1;
      for (auto v : decryptor.noise(returned, positions, plain))
        result.noise.push_back(static_cast<double>(v));
    }
    return result;
  }

  std::vector<std::int64_t> weights(std::int64_t magnitude, std::uint64_t seed) const {
    std::mt19937_64 random(seed);
    std::vector<std::int64_t> w(4 * 4 * 9);
    for (auto& v : w) v = static_cast<std::int64_t>(random() % (2 * magnitude + 1)) - magnitude;
    return w;
  }

  HeContext context_;
  crypto::Prg prg_;
  SecretKey secret_;
  PublicKey key_;
  ConvPacking packing_;
  std::vector<std::uint64_t> input_;
  Ciphertext ciphertext_;
};

// At the backend's parameters the ciphertexts returned for two different
// weight sets (tiny and full-range weights) show the same statistics: 'a'
// (after removing what the weights predict) and 'b' uniform by chi-square,
// and noise distributions a two-sample Kolmogorov-Smirnov test cannot tell
// apart. The control shows the 'a' test has power: without re-randomization
// 'a' is exactly what the weights predict. (After switching to 2^k the
// weight-dependent noise is scaled by 2^k/q below one unit, so the visible
// noise is the switching error; flooding is what makes that argument hold
// for the unswitched phase too.)
TEST_F(HeStatistics, ReturnedCiphertextsForTwoWeightSetsAreIndistinguishable) {
  // chi-square with 63 degrees of freedom: 0.1% critical value 103.4.
  constexpr double kChiSquareCritical = 103.4;
  const auto small = weights(1, 1), large = weights((1 << (kWeightBits - 1)) - 1, 2);
  const View a = view(small, true, 12), b = view(large, true, 12);
  for (const View* v : {&a, &b}) {
    EXPECT_LT(chi_square(v->a_residual_bins), kChiSquareCritical);
    EXPECT_LT(chi_square(v->b_bins), kChiSquareCritical);
  }
  const double n = static_cast<double>(a.noise.size()), m = static_cast<double>(b.noise.size());
  const double ks_critical = 1.95 * std::sqrt((n + m) / (n * m));  // α = 0.001
  EXPECT_LT(kolmogorov_smirnov(a.noise, b.noise), ks_critical);

  const View bare_small = view(small, false, 2);
  EXPECT_GT(chi_square(bare_small.a_residual_bins), 1000.0);  // 'a' is exactly a_in·W
}

}  // namespace
}  // namespace pinas::he
