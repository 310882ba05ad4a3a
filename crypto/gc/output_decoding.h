#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "crypto/primitives/block.h"

namespace pinas::crypto {

// Output decoding of a garbled circuit. The garbler's decoding bit for an
// output wire is lsb of its zero label; the evaluator's active label has
// colour lsb = value XOR decoding bit. Sending the decoding bits reveals the
// outputs to the evaluator; keeping them leaves the outputs XOR-shared
// (garbler: decoding bit, evaluator: colour bit). Plain functions,
// thread-safe.

// One 0/1 byte per label: its lsb.
std::vector<std::uint8_t> colour_bits(std::span<const Block> labels);

// Packs lsb(labels[i]) into bit i of a byte string (ceil(n/8) bytes), the
// form sent over a channel.
std::vector<std::uint8_t> pack_colour_bits(std::span<const Block> labels);

// Output bit i = lsb(active_labels[i]) XOR bit i of packed_decoding_bits.
// Throws ProtocolError when packed_decoding_bits holds fewer than
// ceil(n/8) bytes.
std::vector<std::uint8_t> decode_outputs(std::span<const Block> active_labels,
                                         std::span<const std::uint8_t> packed_decoding_bits);

}  // namespace pinas::crypto
