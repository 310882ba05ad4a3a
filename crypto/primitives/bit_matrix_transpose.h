#pragma once

#include <cstddef>
#include <cstdint>

#include "crypto/primitives/block.h"

namespace pinas::crypto {

// Transposes a bit matrix with `rows` rows and `columns` columns, stored
// row-major with bits packed in bytes (bit c of row r is bit c%8 of byte
// r·columns/8 + c/8). Writes the `columns`×`rows` transpose to `out`, in the
// same layout. Requires rows % 8 == 0 and columns % 8 == 0 and non-overlapping
// buffers. Uses SSE2 movemask on 16×8 tiles (16 rows gathered into a register,
// movemask extracts one 16-bit output column slice per shift); thread-safe.
void transpose_bit_matrix(const uint8_t* in, uint8_t* out, size_t rows, size_t columns);

// Transposes a 128×128 bit matrix in place: rows[i] holds row i (bit j of
// the Block = column j). Afterwards rows[j] holds former column j.
void transpose_128x128(Block* rows);

}  // namespace pinas::crypto
