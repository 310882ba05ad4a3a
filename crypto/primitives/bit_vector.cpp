#include "crypto/primitives/bit_vector.h"

#include <cstring>

#include "crypto/primitives/crypto_error.h"
#include "crypto/primitives/prg.h"

namespace pinas::crypto {

BitVector::BitVector(size_t size) : size_(size), bytes_((size + 127) / 128 * 16, 0) {}

BitVector BitVector::from_bools(std::span<const bool> bits) {
  BitVector vector(bits.size());
  for (size_t i = 0; i < bits.size(); ++i) {
    if (bits[i]) vector.bytes_[i / 8] |= static_cast<uint8_t>(1u << (i % 8));
  }
  return vector;
}

BitVector BitVector::from_bytes_per_bit(std::span<const uint8_t> bits) {
  BitVector vector(bits.size());
  for (size_t i = 0; i < bits.size(); ++i) {
    if (bits[i] != 0) vector.bytes_[i / 8] |= static_cast<uint8_t>(1u << (i % 8));
  }
  return vector;
}

BitVector BitVector::random(size_t size, Prg& prg) { return prg.random_bits(size); }

void BitVector::resize(size_t size) {
  bytes_.resize((size + 127) / 128 * 16, 0);
  size_ = size;
  clear_padding();
}

void BitVector::clear_padding() {
  size_t full_bytes = size_ / 8;
  if (size_ % 8 != 0) {
    bytes_[full_bytes] &= static_cast<uint8_t>((1u << (size_ % 8)) - 1);
    ++full_bytes;
  }
  if (full_bytes < bytes_.size()) std::memset(bytes_.data() + full_bytes, 0, bytes_.size() - full_bytes);
}

BitVector BitVector::operator^(const BitVector& other) const {
  if (other.size_ != size_) {
    throw ProtocolError("BitVector xor: sizes differ (" + std::to_string(size_) + " and " +
                        std::to_string(other.size_) + ")");
  }
  BitVector result(size_);
  for (size_t i = 0; i < bytes_.size(); ++i) result.bytes_[i] = bytes_[i] ^ other.bytes_[i];
  return result;
}

bool BitVector::operator==(const BitVector& other) const {
  return size_ == other.size_ && bytes_ == other.bytes_;
}

}  // namespace pinas::crypto
