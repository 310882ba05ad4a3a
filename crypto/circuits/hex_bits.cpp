#include "crypto/circuits/hex_bits.h"

#include "crypto/circuits/circuit_error.h"

namespace pinas::crypto {

std::vector<std::uint8_t> bits_from_hex(std::string_view hex, std::uint32_t width,
                                        const std::string& what) {
  if (hex.starts_with("0x") || hex.starts_with("0X")) hex.remove_prefix(2);
  if (hex.empty()) throw CircuitError(what + ": an empty hex value");
  std::vector<std::uint8_t> bits(width, 0);
  std::size_t position = 0;
  for (auto digit = hex.rbegin(); digit != hex.rend(); ++digit, position += 4) {
    char c = *digit;
    int value;
    if (c >= '0' && c <= '9') {
      value = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      value = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      value = c - 'A' + 10;
    } else {
      throw CircuitError(what + ": '" + std::string(hex) + "' is not a hex integer (character '" +
                         std::string(1, c) + "')");
    }
    for (int b = 0; b < 4; ++b) {
      if (((value >> b) & 1) == 0) continue;
      if (position + b >= width) {
        throw CircuitError(what + ": 0x" + std::string(hex) + " does not fit in " +
                           std::to_string(width) + " input wires");
      }
      bits[position + b] = 1;
    }
  }
  return bits;
}

std::string hex_from_bits(std::span<const std::uint8_t> bits) {
  static const char digits[] = "0123456789abcdef";
  std::size_t count = (bits.size() + 3) / 4;
  std::string text(count, '0');
  for (std::size_t d = 0; d < count; ++d) {
    int value = 0;
    for (int b = 0; b < 4; ++b) {
      std::size_t index = 4 * d + b;
      if (index < bits.size() && (bits[index] & 1)) value |= 1 << b;
    }
    text[count - 1 - d] = digits[value];
  }
  return text;
}

}  // namespace pinas::crypto
