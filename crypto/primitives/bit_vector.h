#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "crypto/primitives/block.h"

namespace pinas::crypto {

class Prg;

// A packed vector of bits: OT choice bits, garbled-circuit inputs. Bit i is
// bit (i % 8) of byte (i / 8). Storage is padded with zero bits to a whole
// number of 128-bit Blocks so that block(k) can always read 128 bits.
// Value type; thread-compatible.
class BitVector {
 public:
  BitVector() = default;
  // `size` zero bits.
  explicit BitVector(size_t size);
  // From one bool per bit.
  static BitVector from_bools(std::span<const bool> bits);
  // From one byte per bit (any nonzero byte is 1).
  static BitVector from_bytes_per_bit(std::span<const uint8_t> bits);
  // `size` uniformly random bits from `prg`.
  static BitVector random(size_t size, Prg& prg);

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Requires index < size().
  bool get(size_t index) const { return (bytes_[index / 8] >> (index % 8)) & 1; }
  bool operator[](size_t index) const { return get(index); }
  // Requires index < size().
  void set(size_t index, bool bit) {
    uint8_t mask = static_cast<uint8_t>(1u << (index % 8));
    bytes_[index / 8] = static_cast<uint8_t>((bytes_[index / 8] & ~mask) | (bit ? mask : 0));
  }
  // Resizes to `size` bits; new bits are zero, bits past the end are cleared.
  void resize(size_t size);

  // Bits 128·k .. 128·k+127 as a Block (bit j of the block = bit 128k+j).
  // Requires k < block_count(); padding bits are zero.
  Block block(size_t k) const { return Block::load(bytes_.data() + 16 * k); }
  size_t block_count() const { return bytes_.size() / 16; }

  // The packed bytes, (size()+7)/8 of them are meaningful, followed by zero
  // padding up to 16·block_count().
  const uint8_t* data() const { return bytes_.data(); }
  uint8_t* data() { return bytes_.data(); }
  size_t byte_count() const { return (size_ + 7) / 8; }

  // Bitwise xor; requires equal sizes (throws ProtocolError otherwise).
  BitVector operator^(const BitVector& other) const;
  bool operator==(const BitVector& other) const;

 private:
  void clear_padding();

  size_t size_ = 0;
  std::vector<uint8_t> bytes_;
};

}  // namespace pinas::crypto
