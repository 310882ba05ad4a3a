#pragma once

#include <cstddef>
#include <cstdint>

#include "crypto/primitives/aes.h"
#include "crypto/primitives/bit_vector.h"
#include "crypto/primitives/block.h"

namespace pinas::crypto {

// A pseudorandom generator: AES-128 in counter mode keyed with a 128-bit seed.
// Output i (the i-th 16-byte block) is AES_seed(stream_id · 2^64 + i), so two
// Prgs with the same seed and stream id produce the same stream (tests, and
// parties expanding a shared seed), and different stream ids give
// independent streams under one seed. Not thread-safe (one Prg per thread).
class Prg {
 public:
  // Seeded from the operating system (getrandom). Throws RandomnessError.
  Prg();
  // Deterministic stream from `seed` and `stream_id`.
  explicit Prg(const Block& seed, uint64_t stream_id = 0);

  // Restarts the stream from `seed` and `stream_id`.
  void reseed(const Block& seed, uint64_t stream_id = 0);

  // Fills out[0..count) with the next `count` blocks of the stream.
  void random_blocks(Block* out, size_t count);
  Block random_block();
  // Fills `count` bytes. Consumes whole blocks (a partial block's remaining
  // bytes are dropped), so byte output is deterministic but not a prefix of
  // block output.
  void random_bytes(void* out, size_t count);
  // `count` uniformly random bits.
  BitVector random_bits(size_t count);
  uint64_t random_uint64();
  bool random_bool() { return (random_uint64() & 1) != 0; }

  // Number of 16-byte blocks produced so far since the last (re)seed.
  uint64_t blocks_used() const { return counter_; }

 private:
  Aes aes_;
  uint64_t stream_id_;
  uint64_t counter_ = 0;
};

}  // namespace pinas::crypto
