#include "crypto/primitives/bit_matrix_transpose.h"

#include <emmintrin.h>

#include <cstring>
#include <vector>

namespace pinas::crypto {
namespace {

// Gathers byte `column_byte` of 16 consecutive rows starting at `row` into
// one register (byte k from row row + k).
inline __m128i gather16(const uint8_t* in, size_t row, size_t column_byte, size_t row_bytes) {
  const uint8_t* p = in + row * row_bytes + column_byte;
  return _mm_set_epi8(static_cast<char>(p[15 * row_bytes]), static_cast<char>(p[14 * row_bytes]),
                      static_cast<char>(p[13 * row_bytes]), static_cast<char>(p[12 * row_bytes]),
                      static_cast<char>(p[11 * row_bytes]), static_cast<char>(p[10 * row_bytes]),
                      static_cast<char>(p[9 * row_bytes]), static_cast<char>(p[8 * row_bytes]),
                      static_cast<char>(p[7 * row_bytes]), static_cast<char>(p[6 * row_bytes]),
                      static_cast<char>(p[5 * row_bytes]), static_cast<char>(p[4 * row_bytes]),
                      static_cast<char>(p[3 * row_bytes]), static_cast<char>(p[2 * row_bytes]),
                      static_cast<char>(p[1 * row_bytes]), static_cast<char>(p[0]));
}

inline __m128i gather8(const uint8_t* in, size_t row, size_t column_byte, size_t row_bytes) {
  const uint8_t* p = in + row * row_bytes + column_byte;
  return _mm_set_epi8(0, 0, 0, 0, 0, 0, 0, 0, static_cast<char>(p[7 * row_bytes]),
                      static_cast<char>(p[6 * row_bytes]), static_cast<char>(p[5 * row_bytes]),
                      static_cast<char>(p[4 * row_bytes]), static_cast<char>(p[3 * row_bytes]),
                      static_cast<char>(p[2 * row_bytes]), static_cast<char>(p[1 * row_bytes]),
                      static_cast<char>(p[0]));
}

}  // namespace

void transpose_bit_matrix(const uint8_t* in, uint8_t* out, size_t rows, size_t columns) {
  const size_t in_row_bytes = columns / 8;
  const size_t out_row_bytes = rows / 8;
  size_t row = 0;
  // 16 rows at a time: byte k of the register holds 8 columns of row row+k;
  // movemask collects the top bit of every byte, i.e. one column across the
  // 16 rows, which is 16 consecutive bits of one output row. Shifting each
  // byte left by one moves the next column into the top bit.
  for (; row + 16 <= rows; row += 16) {
    for (size_t column_byte = 0; column_byte < in_row_bytes; ++column_byte) {
      __m128i tile = gather16(in, row, column_byte, in_row_bytes);
      for (int bit = 7; bit >= 0; --bit) {
        auto slice = static_cast<uint16_t>(_mm_movemask_epi8(tile));
        std::memcpy(out + (column_byte * 8 + static_cast<size_t>(bit)) * out_row_bytes + row / 8,
                    &slice, sizeof(slice));
        tile = _mm_slli_epi64(tile, 1);
      }
    }
  }
  if (row < rows) {  // 8 rows left
    for (size_t column_byte = 0; column_byte < in_row_bytes; ++column_byte) {
      __m128i tile = gather8(in, row, column_byte, in_row_bytes);
      for (int bit = 7; bit >= 0; --bit) {
        auto slice = static_cast<uint8_t>(_mm_movemask_epi8(tile));
        out[(column_byte * 8 + static_cast<size_t>(bit)) * out_row_bytes + row / 8] = slice;
        tile = _mm_slli_epi64(tile, 1);
      }
    }
  }
}

void transpose_128x128(Block* rows) {
  alignas(16) uint8_t transposed[128 * 16];
  transpose_bit_matrix(reinterpret_cast<const uint8_t*>(rows), transposed, 128, 128);
  std::memcpy(static_cast<void*>(rows), transposed, sizeof(transposed));
}

}  // namespace pinas::crypto
