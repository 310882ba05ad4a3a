#include "crypto/primitives/correlation_robust_hash.h"

#include "crypto/primitives/fixed_key_aes.h"

namespace pinas::crypto {
namespace {

constexpr size_t kBatch = 8;

// Hashes in[0..count) (count ≤ kBatch) with per-block tweaks produced by
// `tweak_of(k)`.
template <typename TweakOf>
inline void hash_batch(const Aes& aes, const Block* in, Block* out, size_t count,
                       TweakOf tweak_of) {
  Block sigmas[kBatch];
  Block states[kBatch];
  for (size_t k = 0; k < count; ++k) {
    sigmas[k] = CorrelationRobustHash::sigma(in[k]);
    states[k] = sigmas[k] ^ tweak_of(k);
  }
  aes.encrypt_in_place(states, count);
  for (size_t k = 0; k < count; ++k) out[k] = states[k] ^ sigmas[k];
}

}  // namespace

Block CorrelationRobustHash::sigma(const Block& x) {
  // Swap the halves, giving (x_R ‖ x_L), then xor x_L into the high half.
  __m128i swapped = _mm_shuffle_epi32(x.value, 0x4E);
  __m128i high_only = _mm_and_si128(x.value, _mm_set_epi64x(-1, 0));
  return Block(_mm_xor_si128(swapped, high_only));
}

Block CorrelationRobustHash::hash(const Block& x) {
  Block s = sigma(x);
  return FixedKeyAes::instance().encrypt(s) ^ s;
}

Block CorrelationRobustHash::hash(const Block& x, const Block& tweak) {
  Block s = sigma(x);
  return FixedKeyAes::instance().encrypt(s ^ tweak) ^ s;
}

void CorrelationRobustHash::hash_blocks(const Block* in, Block* out, size_t count) {
  const Aes& aes = FixedKeyAes::instance();
  for (size_t i = 0; i < count; i += kBatch) {
    size_t now = count - i < kBatch ? count - i : kBatch;
    hash_batch(aes, in + i, out + i, now, [](size_t) { return Block(); });
  }
}

void CorrelationRobustHash::hash_blocks(const Block* in, Block* out, size_t count,
                                        uint64_t first_tweak) {
  const Aes& aes = FixedKeyAes::instance();
  for (size_t i = 0; i < count; i += kBatch) {
    size_t now = count - i < kBatch ? count - i : kBatch;
    uint64_t base = first_tweak + i;
    hash_batch(aes, in + i, out + i, now,
               [base](size_t k) { return Block::from_uint64(0, base + k); });
  }
}

void CorrelationRobustHash::hash_blocks(const Block* in, Block* out, size_t count,
                                        TweakDomain domain, uint64_t first_index) {
  const Aes& aes = FixedKeyAes::instance();
  for (size_t i = 0; i < count; i += kBatch) {
    size_t now = count - i < kBatch ? count - i : kBatch;
    uint64_t base = first_index + i;
    hash_batch(aes, in + i, out + i, now,
               [base, domain](size_t k) { return domain_tweak(domain, base + k); });
  }
}

void CorrelationRobustHash::hash_blocks(const Block* in, const Block* tweaks, Block* out,
                                        size_t count) {
  const Aes& aes = FixedKeyAes::instance();
  for (size_t i = 0; i < count; i += kBatch) {
    size_t now = count - i < kBatch ? count - i : kBatch;
    const Block* batch_tweaks = tweaks + i;
    hash_batch(aes, in + i, out + i, now, [batch_tweaks](size_t k) { return batch_tweaks[k]; });
  }
}

}  // namespace pinas::crypto
