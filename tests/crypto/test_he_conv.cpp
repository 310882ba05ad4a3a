#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "crypto/he/conv_packing.h"
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

ConvShape conv(std::int64_t c, std::int64_t h, std::int64_t w, std::int64_t out,
               std::int64_t kernel, std::int64_t stride, std::int64_t padding,
               std::int64_t dilation, std::int64_t groups) {
  ConvShape s{c, h, w, out, 0, 0, kernel, stride, padding, dilation, groups};
  auto size = [&](std::int64_t n) {
    return (n + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
  };
  s.out_height = size(h);
  s.out_width = size(w);
  return s;
}

// Direct convolution mod 2^64 (PyTorch cross-correlation, zero padding).
std::vector<std::uint64_t> reference(const ConvShape& s, const std::vector<std::uint64_t>& x,
                                     const std::vector<std::int64_t>& w) {
  std::vector<std::uint64_t> out(
      static_cast<std::size_t>(s.out_channels * s.out_height * s.out_width), 0);
  const std::int64_t in_group = s.in_channels / s.groups, out_group = s.out_channels / s.groups;
  for (std::int64_t o = 0; o < s.out_channels; ++o) {
    const std::int64_t g = o / out_group;
    for (std::int64_t y = 0; y < s.out_height; ++y) {
      for (std::int64_t xx = 0; xx < s.out_width; ++xx) {
        std::uint64_t sum = 0;
        for (std::int64_t c = 0; c < in_group; ++c) {
          for (std::int64_t ky = 0; ky < s.kernel; ++ky) {
            for (std::int64_t kx = 0; kx < s.kernel; ++kx) {
              const std::int64_t iy = y * s.stride - s.padding + ky * s.dilation;
              const std::int64_t ix = xx * s.stride - s.padding + kx * s.dilation;
              if (iy < 0 || ix < 0 || iy >= s.in_height || ix >= s.in_width) continue;
              const std::uint64_t v = x[static_cast<std::size_t>(
                  ((g * in_group + c) * s.in_height + iy) * s.in_width + ix)];
              sum += v * static_cast<std::uint64_t>(w[static_cast<std::size_t>(
                             ((o * in_group + c) * s.kernel + ky) * s.kernel + kx)]);
            }
          }
        }
        out[static_cast<std::size_t>((o * s.out_height + y) * s.out_width + xx)] = sum;
      }
    }
  }
  return out;
}

// Every geometry the search spaces produce, at small sizes: plain, strided,
// padded, dilated (3x3 and 5x5), grouped, depthwise, 1x1 (separable = depthwise
// then 1x1), a linear layer as a 1x1 on C·H·W x 1 x 1, and 7x7 stems.
std::vector<ConvShape> geometries() {
  return {conv(3, 8, 8, 5, 3, 1, 1, 1, 1),   conv(4, 9, 7, 6, 3, 2, 1, 1, 1),
          conv(4, 8, 8, 4, 3, 1, 2, 2, 1),   conv(3, 10, 10, 4, 5, 1, 4, 2, 1),
          conv(4, 7, 5, 6, 3, 2, 2, 2, 2),   conv(6, 6, 6, 6, 3, 1, 1, 1, 6),
          conv(5, 6, 6, 5, 5, 2, 2, 1, 5),   conv(6, 6, 6, 7, 1, 1, 0, 1, 1),
          conv(8, 5, 5, 8, 1, 2, 0, 1, 1),   conv(300, 1, 1, 10, 1, 1, 0, 1, 1),
          conv(3, 16, 16, 4, 7, 2, 3, 1, 1), conv(2, 4, 4, 3, 3, 1, 0, 1, 1)};
}

std::uint64_t in_range(std::mt19937_64& random, std::uint32_t bits) {
  return bits == 64 ? random() : random() & ((std::uint64_t{1} << bits) - 1);
}

TEST(HeConvPacking, PlainPackedProductEqualsConvolutionForEveryGeometryAndBlocking) {
  std::mt19937_64 random(11);
  for (const auto& s : geometries()) {
    std::vector<std::uint64_t> x(
        static_cast<std::size_t>(s.in_channels * s.in_height * s.in_width));
    for (auto& v : x) v = random() % 1000;
    std::vector<std::int64_t> w(
        static_cast<std::size_t>(s.out_channels * s.in_channels / s.groups * s.kernel * s.kernel));
    for (auto& v : w) v = static_cast<std::int64_t>(random() % 200) - 100;
    const auto expected = reference(s, x, w);
    // Small rings exercise multi-block packings; every fitting (C_n, M_n).
    int tried = 0;
    for (std::size_t degree : {std::size_t{512}, std::size_t{1024}}) {
      for (std::int64_t c_n = 1; c_n <= std::min<std::int64_t>(s.in_channels, 8); ++c_n) {
        for (std::int64_t m_n = 1; m_n <= std::min<std::int64_t>(s.out_channels, 8); ++m_n) {
          std::unique_ptr<ConvPacking> packing;
          try {
            packing = std::make_unique<ConvPacking>(s, degree, c_n, m_n);
          } catch (const HeError&) {
            continue;  // does not fit
          }
          ++tried;
          ASSERT_EQ(packing->evaluate_plain(x, w), expected)
              << "geometry " << s.in_channels << "x" << s.in_height << " k" << s.kernel << " s"
              << s.stride << " g" << s.groups << ", degree " << degree << ", C_n " << c_n
              << ", M_n " << m_n;
        }
      }
    }
    EXPECT_GT(tried, 0);
  }
}

TEST(HeConvPacking, RefusesWhatDoesNotFit) {
  EXPECT_THROW(
      ConvPacking(conv(3, 100, 100, 4, 3, 1, 1, 1, 1), 8192, {1, [](std::uint64_t) { return 1u; }}),
      HeError);
  auto bad = conv(3, 8, 8, 4, 3, 1, 1, 1, 1);
  bad.out_height = 9;
  EXPECT_THROW(ConvPacking(bad, 8192, 1, 1), HeError);
  EXPECT_THROW(ConvPacking(conv(3, 8, 8, 4, 3, 1, 1, 1, 1), 8192, 3, 100), HeError);
}

// HomConv / HomFC end to end: encrypt the input blocks, multiply-accumulate
// the kernel polynomials, re-randomize, mask, flood and switch, decrypt; the
// result plus the mask is the convolution mod 2^ℓ. The measured noise stays
// within the computed bound.
TEST(HeConvPacking, EncryptedConvolutionEqualsPlaintextModTwoToTheL) {
  std::mt19937_64 random(5);
  for (std::uint32_t bits : {16u, 48u, 64u}) {
    const HeContext context(HeParameters::standard(bits, 3));
    const std::uint32_t k = context.parameters().switched_bits();
    crypto::Prg prg(crypto::Block::from_uint64(1, bits));
    const SecretKey secret = generate_secret_key(context, prg);
    const PublicKey key =
        generate_public_key(context, secret, crypto::Block::from_uint64(2, bits), prg);
    Encryptor encryptor(context, prg);
    Decryptor decryptor(context, secret);
    Evaluator evaluator(context);
    const std::uint32_t weight_bits = 18;
    const std::uint64_t t_mask = bits == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
    for (const auto& s : geometries()) {
      const PackingCosts costs{1000, [](std::uint64_t c) { return 500 + c; }};
      ConvPacking packing(s, context.degree(), costs);
      std::vector<std::uint64_t> x(
          static_cast<std::size_t>(s.in_channels * s.in_height * s.in_width));
      for (auto& v : x) v = in_range(random, bits);
      std::vector<std::int64_t> w(static_cast<std::size_t>(s.out_channels * s.in_channels /
                                                           s.groups * s.kernel * s.kernel));
      for (auto& v : w)
        v = static_cast<std::int64_t>(random() % (1u << weight_bits)) - (1 << (weight_bits - 1));
      auto expected = reference(s, x, w);
      std::vector<Ciphertext> inputs;
      std::vector<std::uint64_t> coefficients(context.degree());
      for (std::size_t b = 0; b < packing.input_blocks(); ++b) {
        packing.encode_input(b, x, coefficients);
        inputs.push_back(
            expand(context, encryptor.encrypt_symmetric(secret, coefficients, prg.random_block())));
      }
      const auto noise = layer_noise(context.parameters(), packing.kernel_terms(), weight_bits,
                                     packing.output_coefficients());
      ASSERT_TRUE(noise.fits()) << noise.to_string();
      Sampler sampler(prg);
      std::vector<std::int64_t> kernel(context.degree());
      for (std::size_t j = 0; j < packing.output_blocks(); ++j) {
        Ciphertext accumulator;
        for (std::size_t b = 0; b < packing.input_blocks(); ++b) {
          if (!packing.connected(j, b)) continue;
          packing.encode_kernel(j, b, w, kernel);
          evaluator.multiply_accumulate(accumulator, inputs[b],
                                        evaluator.transform_plaintext(kernel));
        }
        const auto& positions = packing.output_positions(j);
        std::vector<std::uint64_t> mask(positions.size());
        for (auto& v : mask) v = in_range(random, bits);
        auto flood = sampler.flood(positions.size(), noise.flood_bits);
        auto result =
            evaluator.finish(accumulator, encryptor.encrypt_zero(key), positions, mask, flood, k);
        const auto decrypted = decryptor.decrypt(result, positions);
        std::vector<std::uint64_t> plain(positions.size());
        for (std::size_t i = 0; i < positions.size(); ++i) {
          const auto element = packing.output_elements(j)[i];
          ASSERT_EQ((decrypted[i] - mask[i]) & t_mask, expected[element] & t_mask)
              << "ℓ " << bits << ", output element " << element << " of " << s.in_channels << "x"
              << s.in_height << " k" << s.kernel << " g" << s.groups;
          plain[i] = (expected[element] + mask[i]) & t_mask;
        }
        for (auto v : decryptor.noise(result, positions, plain)) {
          ASSERT_LE(static_cast<long double>(v < 0 ? -v : v), noise.switched_bound);
        }
      }
    }
  }
}

}  // namespace
}  // namespace pinas::he
