#include "crypto/gc/evaluator.h"

#include "crypto/gc/detail/half_gates.h"
#include "crypto/gc/garbler.h"
#include "crypto/primitives/fixed_key_aes.h"

namespace pinas::crypto {

void Evaluator::evaluate(const Circuit& circuit, std::size_t copies,
                         std::span<const Block> input_labels, std::span<const Block> tables,
                         std::span<Block> output_labels) {
  require_size(input_labels.size(), copies * circuit.input_wire_count(), "input labels");
  require_size(tables.size(), copies * circuit.and_count() * 2, "tables");
  require_size(output_labels.size(), copies * circuit.output_wires().size(), "output labels");
  const Block* round_keys = FixedKeyAes::instance().round_keys().data();
  const Block* table = tables.data();
  const std::uint64_t tweak_base = and_index_;
  engine_.run(
      circuit, copies, input_labels, output_labels,
      [&](const detail::AndItem* items, int count) {
        int k = 0;
        for (; k + 8 <= count; k += 8)
          detail::evaluate_and_gates<8>(round_keys, items + k, table, tweak_base);
        for (; k < count; ++k)
          detail::evaluate_and_gates<1>(round_keys, items + k, table, tweak_base);
      },
      [](const Block& label) { return label; });
  and_index_ += copies * circuit.and_count();
}

}  // namespace pinas::crypto
