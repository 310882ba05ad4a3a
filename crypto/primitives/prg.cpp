#include "crypto/primitives/prg.h"

#include <cstring>

#include "crypto/primitives/os_random.h"

namespace pinas::crypto {

Prg::Prg() : Prg(os_random_block()) {}

Prg::Prg(const Block& seed, uint64_t stream_id) : aes_(seed), stream_id_(stream_id) {}

void Prg::reseed(const Block& seed, uint64_t stream_id) {
  aes_ = Aes(seed);
  stream_id_ = stream_id;
  counter_ = 0;
}

void Prg::random_blocks(Block* out, size_t count) {
  aes_.encrypt_counter(stream_id_, counter_, out, count);
  counter_ += count;
}

Block Prg::random_block() {
  Block block;
  random_blocks(&block, 1);
  return block;
}

void Prg::random_bytes(void* out, size_t count) {
  auto* bytes = static_cast<uint8_t*>(out);
  constexpr size_t kChunk = 256;
  Block buffer[kChunk];
  while (count > 0) {
    size_t blocks = (count + 15) / 16;
    if (blocks > kChunk) blocks = kChunk;
    random_blocks(buffer, blocks);
    size_t bytes_now = blocks * 16 < count ? blocks * 16 : count;
    std::memcpy(bytes, buffer, bytes_now);
    bytes += bytes_now;
    count -= bytes_now;
  }
}

BitVector Prg::random_bits(size_t count) {
  BitVector bits(count);
  random_bytes(bits.data(), bits.block_count() * 16);
  bits.resize(count);  // clears the padding bits past `count`
  return bits;
}

uint64_t Prg::random_uint64() { return random_block().low(); }

}  // namespace pinas::crypto
