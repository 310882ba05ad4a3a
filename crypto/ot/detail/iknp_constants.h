#pragma once

#include <cstddef>

namespace pinas::crypto::detail {

// κ: base OTs, columns of the extension matrix, bits of a row.
inline constexpr size_t kIknpColumns = 128;
// Rows extended per chunk. Both parties split a call of n OTs into chunks of
// this many rows and pad the last one to a multiple of 128, so both draw the
// same number of blocks from every column PRG. 16384 rows keep the column
// matrix and its transpose at 256 KiB each (cache-resident).
inline constexpr size_t kIknpChunkRows = size_t{1} << 14;

// Rows of the chunk starting at `done` of `total`, padded to 128.
inline size_t iknp_padded_chunk_rows(size_t done, size_t total) {
  size_t rows = total - done < kIknpChunkRows ? total - done : kIknpChunkRows;
  return (rows + 127) / 128 * 128;
}

}  // namespace pinas::crypto::detail
