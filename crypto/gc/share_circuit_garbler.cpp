#include "crypto/gc/share_circuit_garbler.h"

#include <ctime>
#include <string>

#include "crypto/circuits/share_circuits.h"
#include "crypto/gc/detail/share_bits.h"
#include "crypto/gc/share_circuit_evaluator.h"
#include "crypto/net/handshake.h"

namespace pinas::crypto {

double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}

void require_share_circuit(const Circuit& circuit, std::uint32_t bits) {
  const auto& inputs = circuit.input_sizes();
  if (bits < 8 || bits > 64) {
    throw CircuitError("share circuit: the ring width must be 8..64 bits, got " +
                       std::to_string(bits));
  }
  if (inputs.size() != 3 || inputs[1] != bits || circuit.output_wires().size() != bits ||
      inputs[0] % bits != 0 || inputs[2] % bits != 0 || inputs[0] == 0 || inputs[2] == 0) {
    throw CircuitError("share circuit: expected inputs (garbler shares, " + std::to_string(bits) +
                       "-bit mask, evaluator shares) and a " + std::to_string(bits) +
                       "-bit output");
  }
}

namespace {

ProtocolParameters share_parameters(const Circuit& circuit, std::uint32_t bits, std::size_t count) {
  ProtocolParameters parameters;
  parameters.ring_bits = bits;
  parameters.circuit_id =
      "share circuit " + circuit.fingerprint() + " copies " + std::to_string(count);
  return parameters;
}

}  // namespace

ShareCircuitGarbler::ShareCircuitGarbler(GarblerParty& party, const Circuit& circuit,
                                         std::uint32_t bits)
    : party_(party), circuit_(circuit), bits_(bits) {
  require_share_circuit(circuit, bits);
}

std::vector<std::uint64_t> ShareCircuitGarbler::offline(std::size_t count) {
  if (count == 0) throw ProtocolError("share circuit garbler: a batch needs at least one copy");
  handshake(party_.channel(), share_parameters(circuit_, bits_, count));
  if (!party_.is_set_up()) party_.setup();
  const std::size_t garbler_width = circuit_.input_sizes()[0];
  const std::size_t evaluator_width = circuit_.input_sizes()[2];
  const std::size_t inputs = circuit_.input_wire_count();

  std::vector<Block> evaluator_zero = party_.evaluator_zero_labels(count * evaluator_width);
  share_zero_labels_ = party_.random_zero_labels(count * garbler_width);
  std::vector<Block> mask_blocks(count);
  prg_.random_blocks(mask_blocks.data(), count);
  std::vector<std::uint64_t> masks(count);
  for (std::size_t i = 0; i < count; ++i) masks[i] = mask_blocks[i].low() & ring_mask(bits_);
  // The mask's labels are never sent: its active label is the all-zero block,
  // so its zero label is bit·Δ (see the class comment for why this is safe).
  const std::vector<std::uint8_t> mask_bits = detail::words_to_bits(masks, bits_);
  std::vector<Block> mask_zero(count * bits_);
  for (std::size_t i = 0; i < mask_zero.size(); ++i)
    mask_zero[i] = party_.garbler().label_for(Block::zero(), mask_bits[i] != 0);

  std::vector<Block> input_zero(count * inputs);
  for (std::size_t c = 0; c < count; ++c) {
    Block* target = input_zero.data() + c * inputs;
    std::copy_n(share_zero_labels_.data() + c * garbler_width, garbler_width, target);
    std::copy_n(mask_zero.data() + c * bits_, bits_, target + garbler_width);
    std::copy_n(evaluator_zero.data() + c * evaluator_width, evaluator_width,
                target + garbler_width + bits_);
  }
  // Garble and send slice by slice: the tables leave while later slices are
  // garbled, and the garbler never holds more than one slice of them.
  const std::size_t slice = 16 * detail::kMaxChunkCopies;
  const std::size_t outputs = circuit_.output_wires().size();
  std::vector<Block> output_zero(count * outputs);
  tables_.resize(std::min(count, slice) * circuit_.and_count() * 2);
  for (std::size_t first = 0; first < count; first += slice) {
    const std::size_t n = std::min(slice, count - first);
    std::span<Block> tables(tables_.data(), n * circuit_.and_count() * 2);
    double start = thread_cpu_seconds();
    party_.garbler().garble(
        circuit_, n, std::span<const Block>(input_zero).subspan(first * inputs, n * inputs), tables,
        std::span<Block>(output_zero).subspan(first * outputs, n * outputs));
    garble_seconds_ += thread_cpu_seconds() - start;
    party_.send_tables(tables);
  }
  party_.send_decoding_bits(output_zero);
  party_.channel().flush();
  count_ = count;
  return masks;
}

void ShareCircuitGarbler::online(std::span<const std::uint64_t> garbler_shares) {
  if (count_ == 0) throw ProtocolError("share circuit garbler: online() before offline()");
  const std::size_t per_copy = circuit_.input_sizes()[0] / bits_;
  require_size(garbler_shares.size(), count_ * per_copy, "garbler shares");
  party_.send_active_labels(share_zero_labels_, detail::words_to_bits(garbler_shares, bits_));
  party_.channel().flush();
  count_ = 0;
}

}  // namespace pinas::crypto
