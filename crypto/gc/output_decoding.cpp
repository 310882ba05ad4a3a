#include "crypto/gc/output_decoding.h"

#include <string>

#include "crypto/primitives/crypto_error.h"

namespace pinas::crypto {

std::vector<std::uint8_t> colour_bits(std::span<const Block> labels) {
  std::vector<std::uint8_t> bits(labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i) bits[i] = labels[i].lsb() ? 1 : 0;
  return bits;
}

std::vector<std::uint8_t> pack_colour_bits(std::span<const Block> labels) {
  std::vector<std::uint8_t> packed((labels.size() + 7) / 8, 0);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    packed[i / 8] =
        static_cast<std::uint8_t>(packed[i / 8] | (labels[i].lsb() ? 1u << (i % 8) : 0u));
  }
  return packed;
}

std::vector<std::uint8_t> decode_outputs(std::span<const Block> active_labels,
                                         std::span<const std::uint8_t> packed_decoding_bits) {
  if (packed_decoding_bits.size() < (active_labels.size() + 7) / 8) {
    throw ProtocolError("garbled circuit: " + std::to_string(packed_decoding_bits.size()) +
                        " bytes of decoding bits for " + std::to_string(active_labels.size()) +
                        " outputs");
  }
  std::vector<std::uint8_t> bits(active_labels.size());
  for (std::size_t i = 0; i < active_labels.size(); ++i) {
    bits[i] = static_cast<std::uint8_t>((active_labels[i].lsb() ? 1 : 0) ^
                                        ((packed_decoding_bits[i / 8] >> (i % 8)) & 1));
  }
  return bits;
}

}  // namespace pinas::crypto
