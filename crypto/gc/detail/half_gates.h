#pragma once

// The inner loops of half-gates garbling (Zahur, Rosulek, Evans, "Two Halves
// Make a Whole", EUROCRYPT 2015): the tweakable correlation-robust hash of
// CorrelationRobustHash, H(x, i) = π(σ(x) ⊕ i) ⊕ σ(x), inlined and run on
// many independent gates at once so that 16 AES blocks are in flight (aesenc
// has a latency of ~4 cycles and a throughput of 1-2 per cycle; one block at
// a time would leave the AES unit mostly idle). Equality with
// CorrelationRobustHash::hash(x, i) is a test (test_gc_garbling.cpp).

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "crypto/primitives/aes.h"
#include "crypto/primitives/block.h"
#include "crypto/primitives/tweak_domains.h"

namespace pinas::crypto::detail {

// One AND gate's work item: its two input labels, the output label slot and
// its position in the table array. Its hash tweaks are 2(tweak_base + t) and
// 2(tweak_base + t) + 1, unique over a Garbler's lifetime.
struct AndItem {
  const Block* left;
  const Block* right;
  Block* output;
  std::uint64_t table_index;
};

inline __m128i sigma(__m128i x) {
  return _mm_xor_si128(_mm_shuffle_epi32(x, 0x4E), _mm_and_si128(x, _mm_set_epi64x(-1, 0)));
}

// The half-gates domain's tweak of `value` (tweak_domains.h):
// domain_tweak(TweakDomain::kHalfGates, value).
inline __m128i tweak(std::uint64_t value) {
  return _mm_set_epi64x(static_cast<long long>(TweakDomain::kHalfGates),
                        static_cast<long long>(value));
}

// state[k] = π(state[k]) for Count blocks with interleaved rounds.
template <int Count>
inline void permute(const Block* round_keys, __m128i* state) {
  for (int k = 0; k < Count; ++k) state[k] = _mm_xor_si128(state[k], round_keys[0].value);
  for (int round = 1; round < Aes::kRounds; ++round) {
    const __m128i key = round_keys[round].value;
    for (int k = 0; k < Count; ++k) state[k] = _mm_aesenc_si128(state[k], key);
  }
  const __m128i last = round_keys[Aes::kRounds].value;
  for (int k = 0; k < Count; ++k) state[k] = _mm_aesenclast_si128(state[k], last);
}

inline __m128i select(bool bit, __m128i value) {
  return _mm_and_si128(value, _mm_set1_epi64x(-static_cast<long long>(bit)));
}

// Garbles Count AND gates. Gate t uses tweaks 2t and 2t+1; writes
// table[2t] = T_G, table[2t+1] = T_E and the output zero label.
template <int Count>
inline void garble_and_gates(const Block* round_keys, __m128i delta, const AndItem* items,
                             Block* table, std::uint64_t tweak_base) {
  __m128i sigmas[4 * Count];
  __m128i state[4 * Count];
  for (int k = 0; k < Count; ++k) {
    __m128i a0 = items[k].left->value;
    __m128i b0 = items[k].right->value;
    __m128i tweak_generator = tweak(2 * (tweak_base + items[k].table_index));
    __m128i tweak_evaluator = tweak(2 * (tweak_base + items[k].table_index) + 1);
    sigmas[4 * k + 0] = sigma(a0);
    sigmas[4 * k + 1] = sigma(_mm_xor_si128(a0, delta));
    sigmas[4 * k + 2] = sigma(b0);
    sigmas[4 * k + 3] = sigma(_mm_xor_si128(b0, delta));
    state[4 * k + 0] = _mm_xor_si128(sigmas[4 * k + 0], tweak_generator);
    state[4 * k + 1] = _mm_xor_si128(sigmas[4 * k + 1], tweak_generator);
    state[4 * k + 2] = _mm_xor_si128(sigmas[4 * k + 2], tweak_evaluator);
    state[4 * k + 3] = _mm_xor_si128(sigmas[4 * k + 3], tweak_evaluator);
  }
  permute<4 * Count>(round_keys, state);
  for (int k = 0; k < Count; ++k) {
    __m128i a0 = items[k].left->value;
    bool permute_a = (_mm_cvtsi128_si32(a0) & 1) != 0;
    bool permute_b = (_mm_cvtsi128_si32(items[k].right->value) & 1) != 0;
    __m128i hash_a0 = _mm_xor_si128(state[4 * k + 0], sigmas[4 * k + 0]);
    __m128i hash_a1 = _mm_xor_si128(state[4 * k + 1], sigmas[4 * k + 1]);
    __m128i hash_b0 = _mm_xor_si128(state[4 * k + 2], sigmas[4 * k + 2]);
    __m128i hash_b1 = _mm_xor_si128(state[4 * k + 3], sigmas[4 * k + 3]);
    // Generator half: T_G = H(A0) ⊕ H(A1) ⊕ p_b·Δ, W_G0 = H(A0) ⊕ p_a·T_G.
    __m128i table_generator =
        _mm_xor_si128(_mm_xor_si128(hash_a0, hash_a1), select(permute_b, delta));
    __m128i zero_generator = _mm_xor_si128(hash_a0, select(permute_a, table_generator));
    // Evaluator half: T_E = H(B0) ⊕ H(B1) ⊕ A0, W_E0 = H(B0) ⊕ p_b·(T_E ⊕ A0).
    __m128i hash_b_difference = _mm_xor_si128(hash_b0, hash_b1);
    __m128i table_evaluator = _mm_xor_si128(hash_b_difference, a0);
    __m128i zero_evaluator = _mm_xor_si128(hash_b0, select(permute_b, hash_b_difference));
    std::uint64_t t = items[k].table_index;
    _mm_store_si128(&table[2 * t].value, table_generator);
    _mm_store_si128(&table[2 * t + 1].value, table_evaluator);
    items[k].output->value = _mm_xor_si128(zero_generator, zero_evaluator);
  }
}

// Evaluates Count AND gates from their active labels and table rows.
template <int Count>
inline void evaluate_and_gates(const Block* round_keys, const AndItem* items, const Block* table,
                               std::uint64_t tweak_base) {
  __m128i sigmas[2 * Count];
  __m128i state[2 * Count];
  for (int k = 0; k < Count; ++k) {
    sigmas[2 * k + 0] = sigma(items[k].left->value);
    sigmas[2 * k + 1] = sigma(items[k].right->value);
    state[2 * k + 0] =
        _mm_xor_si128(sigmas[2 * k + 0], tweak(2 * (tweak_base + items[k].table_index)));
    state[2 * k + 1] =
        _mm_xor_si128(sigmas[2 * k + 1], tweak(2 * (tweak_base + items[k].table_index) + 1));
  }
  permute<2 * Count>(round_keys, state);
  for (int k = 0; k < Count; ++k) {
    __m128i a = items[k].left->value;
    bool colour_a = (_mm_cvtsi128_si32(a) & 1) != 0;
    bool colour_b = (_mm_cvtsi128_si32(items[k].right->value) & 1) != 0;
    std::uint64_t t = items[k].table_index;
    __m128i table_generator = _mm_load_si128(&table[2 * t].value);
    __m128i table_evaluator = _mm_load_si128(&table[2 * t + 1].value);
    __m128i generator = _mm_xor_si128(_mm_xor_si128(state[2 * k], sigmas[2 * k]),
                                      select(colour_a, table_generator));
    __m128i evaluator = _mm_xor_si128(_mm_xor_si128(state[2 * k + 1], sigmas[2 * k + 1]),
                                      select(colour_b, _mm_xor_si128(table_evaluator, a)));
    items[k].output->value = _mm_xor_si128(generator, evaluator);
  }
}

}  // namespace pinas::crypto::detail
