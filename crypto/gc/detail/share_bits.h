#pragma once

// Ring elements to circuit wire bits and back (wire j = bit j, least
// significant first), for the share-circuit protocols.

#include <cstdint>
#include <span>
#include <vector>

namespace pinas::crypto::detail {

// `bits` wire values per element, element after element.
inline std::vector<std::uint8_t> words_to_bits(std::span<const std::uint64_t> values,
                                               std::uint32_t bits) {
  std::vector<std::uint8_t> result(values.size() * bits);
  for (std::size_t i = 0; i < values.size(); ++i) {
    for (std::uint32_t j = 0; j < bits; ++j) result[i * bits + j] = (values[i] >> j) & 1;
  }
  return result;
}

// The inverse of words_to_bits; bits.size() must be a multiple of `width`.
inline std::vector<std::uint64_t> bits_to_words(std::span<const std::uint8_t> bits,
                                                std::uint32_t width) {
  std::vector<std::uint64_t> result(bits.size() / width, 0);
  for (std::size_t i = 0; i < result.size(); ++i) {
    std::uint64_t word = 0;
    for (std::uint32_t j = 0; j < width; ++j)
      word |= static_cast<std::uint64_t>(bits[i * width + j] & 1) << j;
    result[i] = word;
  }
  return result;
}

}  // namespace pinas::crypto::detail
