// Half-gates, Circa's reverse OT and OT extension hash under disjoint tweak
// domains (crypto/primitives/tweak_domains.h): no index of one domain gives
// a tweak of another, and each component really hashes under its domain.
#include <gtest/gtest.h>

#include <set>
#include <utility>

#include "crypto/gc/detail/half_gates.h"
#include "crypto/primitives/correlation_robust_hash.h"
#include "crypto/primitives/fixed_key_aes.h"
#include "crypto/primitives/prg.h"
#include "crypto/primitives/tweak_domains.h"

namespace pinas::crypto {
namespace {

constexpr TweakDomain kDomains[] = {TweakDomain::kHalfGates, TweakDomain::kOtExtension,
                                    TweakDomain::kCircaReverseOt};

TEST(TweakDomains, TweaksOfDifferentDomainsNeverCollide) {
  // Indices a protocol reaches (0, small, 2t+1 at the end of a long session,
  // wrapped) in every domain: all tweaks distinct, and none is a plain
  // integer tweak (domain 0, left to tests).
  std::set<std::pair<std::uint64_t, std::uint64_t>> seen;
  std::size_t made = 0;
  for (TweakDomain domain : kDomains) {
    EXPECT_NE(static_cast<std::uint64_t>(domain), 0u);
    for (std::uint64_t index : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{2},
                                std::uint64_t{1} << 32, ~std::uint64_t{0} - 1, ~std::uint64_t{0}}) {
      Block tweak = domain_tweak(domain, index);
      seen.insert({tweak.high(), tweak.low()});
      ++made;
      EXPECT_NE(tweak, Block::from_uint64(0, index));
    }
  }
  EXPECT_EQ(seen.size(), made);
}

TEST(TweakDomains, HalfGatesHashesUnderItsDomain) {
  // The inlined half-gates hash is H(x, domain_tweak(kHalfGates, i)), and
  // differs from the OT extension's H(x, domain_tweak(kOtExtension, i)).
  Prg prg(Block::from_uint64(3, 4));
  const Block* keys = FixedKeyAes::instance().round_keys().data();
  for (int i = 0; i < 50; ++i) {
    Block x = prg.random_block();
    std::uint64_t index = prg.random_uint64() >> 1;
    __m128i sigma = detail::sigma(x.value);
    __m128i state = _mm_xor_si128(sigma, detail::tweak(index));
    detail::permute<1>(keys, &state);
    Block half_gates(_mm_xor_si128(state, sigma));
    EXPECT_EQ(half_gates,
              CorrelationRobustHash::hash(x, domain_tweak(TweakDomain::kHalfGates, index)));
    EXPECT_NE(half_gates,
              CorrelationRobustHash::hash(x, domain_tweak(TweakDomain::kOtExtension, index)));
  }
}

TEST(TweakDomains, BatchedOtHashUsesTheDomainItIsGiven) {
  Prg prg(Block::from_uint64(5, 6));
  std::vector<Block> in(20), ot(20), circa(20);
  for (auto& block : in) block = prg.random_block();
  CorrelationRobustHash::hash_blocks(in.data(), ot.data(), in.size(), TweakDomain::kOtExtension,
                                     100);
  CorrelationRobustHash::hash_blocks(in.data(), circa.data(), in.size(),
                                     TweakDomain::kCircaReverseOt, 100);
  for (std::size_t k = 0; k < in.size(); ++k) {
    EXPECT_EQ(ot[k],
              CorrelationRobustHash::hash(in[k], domain_tweak(TweakDomain::kOtExtension, 100 + k)));
    EXPECT_EQ(circa[k], CorrelationRobustHash::hash(
                            in[k], domain_tweak(TweakDomain::kCircaReverseOt, 100 + k)));
    EXPECT_NE(ot[k], circa[k]);
  }
}

}  // namespace
}  // namespace pinas::crypto
