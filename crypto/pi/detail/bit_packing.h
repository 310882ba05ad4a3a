#pragma once

#include <cstdint>
#include <vector>

namespace pinas::pi::detail {

// Appends values of 1..64 bits to a little-endian bit stream of 64-bit words.
// Not thread-safe.
class BitWriter {
 public:
  void clear() {
    words_.clear();
    used_ = 64;
  }
  // Appends the low `width` bits of `value` (higher bits must be zero).
  void write(std::uint64_t value, std::uint32_t width) {
    if (used_ == 64) {
      words_.push_back(0);
      used_ = 0;
    }
    words_.back() |= value << used_;
    if (used_ + width > 64) {
      words_.push_back(value >> (64 - used_));
      used_ = used_ + width - 64;
    } else {
      used_ += width;
    }
  }
  const std::vector<std::uint64_t>& words() const { return words_; }

 private:
  std::vector<std::uint64_t> words_;
  std::uint32_t used_ = 64;  // bits used in words_.back()
};

// Reads what a BitWriter wrote. Reading past the end returns zero bits (the
// caller sized the buffer from public counts). Not thread-safe.
class BitReader {
 public:
  BitReader(const std::uint64_t* words, std::size_t count) : words_(words), count_(count) {}
  std::uint64_t read(std::uint32_t width) {
    std::uint64_t value = word(index_) >> offset_;
    if (offset_ + width > 64) value |= word(index_ + 1) << (64 - offset_);
    offset_ += width;
    if (offset_ >= 64) {
      offset_ -= 64;
      ++index_;
    }
    return width == 64 ? value : value & ((std::uint64_t{1} << width) - 1);
  }

 private:
  std::uint64_t word(std::size_t i) const { return i < count_ ? words_[i] : 0; }
  const std::uint64_t* words_;
  std::size_t count_;
  std::size_t index_ = 0;
  std::uint32_t offset_ = 0;
};

// Number of 64-bit words holding `bits` bits.
inline std::size_t words_for_bits(std::uint64_t bits) { return static_cast<std::size_t>((bits + 63) / 64); }

}  // namespace pinas::pi::detail
