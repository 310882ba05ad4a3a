#include "crypto/primitives/aes.h"

#include <wmmintrin.h>

namespace pinas::crypto {
namespace {

// One step of the FIPS-197 key schedule: `assist` is aeskeygenassist of the
// previous round key with the round constant.
inline __m128i expand_step(__m128i key, __m128i assist) {
  assist = _mm_shuffle_epi32(assist, 0xFF);
  key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
  key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
  key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
  return _mm_xor_si128(key, assist);
}

// Encrypts `Count` blocks held in registers, interleaving the rounds so the
// independent aesenc instructions overlap in the pipeline.
template <int Count>
inline void encrypt_registers(const Block* round_keys, __m128i* state) {
  for (int i = 0; i < Count; ++i) state[i] = _mm_xor_si128(state[i], round_keys[0].value);
  for (int round = 1; round < Aes::kRounds; ++round) {
    for (int i = 0; i < Count; ++i) state[i] = _mm_aesenc_si128(state[i], round_keys[round].value);
  }
  for (int i = 0; i < Count; ++i) {
    state[i] = _mm_aesenclast_si128(state[i], round_keys[Aes::kRounds].value);
  }
}

}  // namespace

Aes::Aes(const Block& key) {
  __m128i k = key.value;
  round_keys_[0] = k;
  k = expand_step(k, _mm_aeskeygenassist_si128(k, 0x01));
  round_keys_[1] = k;
  k = expand_step(k, _mm_aeskeygenassist_si128(k, 0x02));
  round_keys_[2] = k;
  k = expand_step(k, _mm_aeskeygenassist_si128(k, 0x04));
  round_keys_[3] = k;
  k = expand_step(k, _mm_aeskeygenassist_si128(k, 0x08));
  round_keys_[4] = k;
  k = expand_step(k, _mm_aeskeygenassist_si128(k, 0x10));
  round_keys_[5] = k;
  k = expand_step(k, _mm_aeskeygenassist_si128(k, 0x20));
  round_keys_[6] = k;
  k = expand_step(k, _mm_aeskeygenassist_si128(k, 0x40));
  round_keys_[7] = k;
  k = expand_step(k, _mm_aeskeygenassist_si128(k, 0x80));
  round_keys_[8] = k;
  k = expand_step(k, _mm_aeskeygenassist_si128(k, 0x1B));
  round_keys_[9] = k;
  k = expand_step(k, _mm_aeskeygenassist_si128(k, 0x36));
  round_keys_[10] = k;
}

Block Aes::encrypt(const Block& plaintext) const {
  __m128i state = plaintext.value;
  encrypt_registers<1>(round_keys_.data(), &state);
  return Block(state);
}

void Aes::encrypt_blocks(const Block* in, Block* out, size_t count) const {
  size_t i = 0;
  for (; i + 8 <= count; i += 8) {
    __m128i state[8];
    for (int k = 0; k < 8; ++k) state[k] = in[i + k].value;
    encrypt_registers<8>(round_keys_.data(), state);
    for (int k = 0; k < 8; ++k) out[i + k].value = state[k];
  }
  for (; i < count; ++i) {
    __m128i state = in[i].value;
    encrypt_registers<1>(round_keys_.data(), &state);
    out[i].value = state;
  }
}

void Aes::encrypt_counter(uint64_t counter_high, uint64_t counter_low, Block* out,
                          size_t count) const {
  size_t i = 0;
  for (; i + 8 <= count; i += 8) {
    __m128i state[8];
    for (int k = 0; k < 8; ++k) {
      uint64_t low = counter_low + i + k;
      uint64_t high = counter_high + (low < counter_low ? 1 : 0);
      state[k] = Block::from_uint64(high, low).value;
    }
    encrypt_registers<8>(round_keys_.data(), state);
    for (int k = 0; k < 8; ++k) out[i + k].value = state[k];
  }
  for (; i < count; ++i) {
    uint64_t low = counter_low + i;
    uint64_t high = counter_high + (low < counter_low ? 1 : 0);
    __m128i state = Block::from_uint64(high, low).value;
    encrypt_registers<1>(round_keys_.data(), &state);
    out[i].value = state;
  }
}

}  // namespace pinas::crypto
