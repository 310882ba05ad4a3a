#pragma once

#include <array>
#include <cstddef>

#include "crypto/primitives/block.h"

namespace pinas::crypto {

// AES-128 encryption with AES-NI (decryption is never needed by the
// protocols). Key expansion happens once in the constructor; encryption is
// const and thread-safe. Batched encryption interleaves 8 independent blocks
// so the AES unit's pipeline stays full (aesenc has a latency of ~4 cycles and
// a throughput of 1 per cycle).
class Aes {
 public:
  static constexpr int kRounds = 10;

  // Expands the 128-bit `key` (bytes as stored by Block::store) into the 11
  // round keys of FIPS-197 §5.2.
  explicit Aes(const Block& key);

  // AES-128 of one block.
  Block encrypt(const Block& plaintext) const;

  // out[i] = AES(in[i]) for i < count. `in` and `out` may be the same array
  // (in-place), but must not otherwise overlap.
  void encrypt_blocks(const Block* in, Block* out, size_t count) const;

  // data[i] = AES(data[i]) for i < count.
  void encrypt_in_place(Block* data, size_t count) const { encrypt_blocks(data, data, count); }

  // out[i] = AES(counter_start + i) where the counter is the 128-bit
  // little-endian integer (low word first, carry into the high word): the
  // keystream of CTR mode, used by Prg.
  void encrypt_counter(uint64_t counter_high, uint64_t counter_low, Block* out, size_t count) const;

  const std::array<Block, kRounds + 1>& round_keys() const { return round_keys_; }

 private:
  std::array<Block, kRounds + 1> round_keys_;
};

}  // namespace pinas::crypto
