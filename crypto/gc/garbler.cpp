#include "crypto/gc/garbler.h"

#include <string>

#include "crypto/gc/detail/half_gates.h"
#include "crypto/primitives/crypto_error.h"
#include "crypto/primitives/fixed_key_aes.h"

namespace pinas::crypto {

void require_size(std::size_t actual, std::size_t expected, const char* what) {
  if (actual != expected) {
    throw ProtocolError(std::string("garbled circuit: ") + what + " holds " +
                        std::to_string(actual) + " entries, expected " + std::to_string(expected));
  }
}

Garbler::Garbler(const Block& delta, std::uint64_t first_and_index)
    : delta_(delta), and_index_(first_and_index) {
  if (!delta.lsb())
    throw ProtocolError("garbler: the free-XOR offset Δ must have lsb 1 (point-and-permute)");
}

void Garbler::garble(const Circuit& circuit, std::size_t copies,
                     std::span<const Block> input_zero_labels, std::span<Block> tables,
                     std::span<Block> output_zero_labels) {
  require_size(input_zero_labels.size(), copies * circuit.input_wire_count(), "input zero labels");
  require_size(tables.size(), copies * circuit.and_count() * 2, "tables");
  require_size(output_zero_labels.size(), copies * circuit.output_wires().size(),
               "output zero labels");
  const Block* round_keys = FixedKeyAes::instance().round_keys().data();
  const __m128i delta = delta_.value;
  Block* table = tables.data();
  const std::uint64_t tweak_base = and_index_;
  engine_.run(
      circuit, copies, input_zero_labels, output_zero_labels,
      [&](const detail::AndItem* items, int count) {
        int k = 0;
        for (; k + 4 <= count; k += 4)
          detail::garble_and_gates<4>(round_keys, delta, items + k, table, tweak_base);
        for (; k < count; ++k)
          detail::garble_and_gates<1>(round_keys, delta, items + k, table, tweak_base);
      },
      [&](const Block& label) { return label ^ delta_; });
  and_index_ += copies * circuit.and_count();
}

}  // namespace pinas::crypto
