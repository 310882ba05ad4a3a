#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pinas::crypto {

// Converts between hex integers and circuit wire bits: wire j of a group is
// bit j of the integer, least significant first (the `pinas gc run`
// convention). These are plain functions, thread-safe.

// Returns `width` bits of the hex integer `hex` (optional 0x prefix; the most
// significant digit first). Throws CircuitError naming `what` on a non-hex
// character, an empty string, or a value that needs more than `width` bits.
std::vector<std::uint8_t> bits_from_hex(std::string_view hex, std::uint32_t width,
                                        const std::string& what);

// Returns the bits (0/1, least significant first) as lowercase hex with
// ceil(size/4) digits, most significant first.
std::string hex_from_bits(std::span<const std::uint8_t> bits);

}  // namespace pinas::crypto
