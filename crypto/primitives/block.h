#pragma once

#include <immintrin.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace pinas::crypto {

// A 128-bit value: a wire label, an AES block, a row of an OT-extension
// matrix. Wraps __m128i and is 16-byte aligned. Since C++17, operator new
// honours alignas, so std::vector<Block> (the default allocator) returns
// correctly aligned storage; no custom allocator is needed.
//
// The default constructor zeroes (so std::vector<Block>(n) is all zeros).
// Bit i (0 = least significant) of the value is bit (i % 8) of byte (i / 8) in
// the little-endian byte representation written by store(). All operations
// are constant-time and thread-compatible (plain value type).
struct alignas(16) Block {
  __m128i value;

  Block() : value(_mm_setzero_si128()) {}
  Block(__m128i v) : value(v) {}  // NOLINT: implicit on purpose, for intrinsics.

  // Returns the block whose high 64 bits are `high` and low 64 bits `low`.
  static Block from_uint64(uint64_t high, uint64_t low) {
    return Block(_mm_set_epi64x(static_cast<long long>(high), static_cast<long long>(low)));
  }
  static Block zero() { return Block(); }
  static Block all_ones() { return Block(_mm_set1_epi32(-1)); }
  // Returns all ones when `bit` is true, else zero: for branch-free selection
  // (x & Block::mask(b) is x·b).
  static Block mask(bool bit) { return Block(_mm_set1_epi64x(-static_cast<long long>(bit))); }

  // Loads 16 bytes from `bytes` (no alignment required).
  static Block load(const void* bytes) {
    return Block(_mm_loadu_si128(static_cast<const __m128i*>(bytes)));
  }
  // Stores the 16 bytes to `bytes` (no alignment required).
  void store(void* bytes) const { _mm_storeu_si128(static_cast<__m128i*>(bytes), value); }

  uint64_t low() const { return static_cast<uint64_t>(_mm_cvtsi128_si64(value)); }
  // SSE2 only, here and below: this header is compiled by crypto's
  // consumers too, without crypto's -msse4.2 -maes -mavx2.
  uint64_t high() const {
    return static_cast<uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(value, value)));
  }

  // The point-and-permute (colour) bit: the least significant bit.
  bool lsb() const { return (_mm_cvtsi128_si32(value) & 1) != 0; }
  // Returns this block with its least significant bit set to `bit`.
  Block with_lsb(bool bit) const {
    return Block(_mm_or_si128(_mm_andnot_si128(_mm_set_epi64x(0, 1), value),
                              _mm_set_epi64x(0, static_cast<long long>(bit))));
  }
  // Bit `index` (0..127) as defined above. Requires index < 128.
  bool bit(unsigned index) const {
    uint64_t word = index < 64 ? low() : high();
    return ((word >> (index % 64)) & 1) != 0;
  }

  Block operator^(const Block& other) const { return Block(_mm_xor_si128(value, other.value)); }
  Block operator&(const Block& other) const { return Block(_mm_and_si128(value, other.value)); }
  Block operator|(const Block& other) const { return Block(_mm_or_si128(value, other.value)); }
  Block& operator^=(const Block& other) {
    value = _mm_xor_si128(value, other.value);
    return *this;
  }
  Block& operator&=(const Block& other) {
    value = _mm_and_si128(value, other.value);
    return *this;
  }
  Block& operator|=(const Block& other) {
    value = _mm_or_si128(value, other.value);
    return *this;
  }
  // Not constant-time in the sense of a MAC comparison; use for tests and
  // public values only.
  bool operator==(const Block& other) const {
    return _mm_movemask_epi8(_mm_cmpeq_epi8(value, other.value)) == 0xFFFF;
  }
  bool operator!=(const Block& other) const { return !(*this == other); }

  // 32 lowercase hex digits, most significant first (for messages and tests).
  std::string to_hex() const {
    static const char digits[] = "0123456789abcdef";
    std::string text(32, '0');
    uint64_t words[2] = {high(), low()};
    for (int w = 0; w < 2; ++w) {
      for (int i = 0; i < 16; ++i) text[w * 16 + i] = digits[(words[w] >> (60 - 4 * i)) & 0xF];
    }
    return text;
  }
};

static_assert(sizeof(Block) == 16 && alignof(Block) == 16);

using BlockVector = std::vector<Block>;

}  // namespace pinas::crypto
