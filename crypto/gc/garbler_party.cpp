#include "crypto/gc/garbler_party.h"

#include <string>

#include "crypto/circuits/circuit_error.h"
#include "crypto/gc/output_decoding.h"
#include "crypto/net/handshake.h"
#include "crypto/primitives/crypto_error.h"

namespace pinas::crypto {

std::size_t leading_input_wires(const Circuit& circuit, std::size_t groups) {
  if (groups > circuit.input_sizes().size()) {
    throw CircuitError("garbled circuit: " + std::to_string(groups) +
                       " garbler input groups, the circuit has " +
                       std::to_string(circuit.input_sizes().size()));
  }
  return groups == circuit.input_sizes().size() ? circuit.input_wire_count()
                                                : circuit.input_offset(groups);
}

GarblerParty::GarblerParty(Channel& channel) : channel_(channel), ot_sender_(channel) {}

void GarblerParty::setup() {
  ot_sender_.setup();
  garbler_ = std::make_unique<Garbler>(ot_sender_.delta());
}

Garbler& GarblerParty::garbler() {
  if (!garbler_) throw ProtocolError("garbler party: used before setup()");
  return *garbler_;
}

std::vector<Block> GarblerParty::random_zero_labels(std::size_t count) {
  std::vector<Block> labels(count);
  prg_.random_blocks(labels.data(), count);
  return labels;
}

std::vector<Block> GarblerParty::evaluator_zero_labels(std::size_t count) {
  garbler();
  std::vector<Block> labels(count);
  if (count > 0) ot_sender_.send_correlated(labels);
  return labels;
}

void GarblerParty::send_active_labels(std::span<const Block> zero_labels,
                                      std::span<const std::uint8_t> bits) {
  require_size(bits.size(), zero_labels.size(), "garbler input bits");
  const Garbler& active = garbler();
  constexpr std::size_t kBufferLabels = 256;
  Block buffer[kBufferLabels];
  for (std::size_t start = 0; start < zero_labels.size(); start += kBufferLabels) {
    std::size_t n = std::min(kBufferLabels, zero_labels.size() - start);
    for (std::size_t i = 0; i < n; ++i) {
      buffer[i] = active.label_for(zero_labels[start + i], bits[start + i] & 1);
    }
    channel_.send_blocks(std::span<const Block>(buffer, n));
  }
}

void GarblerParty::send_tables(std::span<const Block> tables) {
  channel_.send_blocks(tables);
}

void GarblerParty::send_decoding_bits(std::span<const Block> output_zero_labels) {
  std::vector<std::uint8_t> packed = pack_colour_bits(output_zero_labels);
  channel_.send(packed.data(), packed.size());
}

std::vector<std::uint8_t> GarblerParty::run(const Circuit& circuit, std::size_t garbler_groups,
                                            std::span<const std::uint8_t> garbler_input_bits) {
  const std::size_t garbler_wires = leading_input_wires(circuit, garbler_groups);
  if (garbler_input_bits.size() != garbler_wires) {
    throw CircuitError("garbled circuit: the garbler's inputs are " +
                       std::to_string(garbler_input_bits.size()) + " bits, its input groups have " +
                       std::to_string(garbler_wires) + " wires");
  }
  ProtocolParameters parameters;
  parameters.ring_bits = 64;
  parameters.circuit_id =
      "gc " + circuit.fingerprint() + " garbler groups " + std::to_string(garbler_groups);
  handshake(channel_, parameters);
  if (!is_set_up()) setup();

  const std::size_t evaluator_wires = circuit.input_wire_count() - garbler_wires;
  std::vector<Block> input_zero = random_zero_labels(garbler_wires);
  std::vector<Block> evaluator_zero = evaluator_zero_labels(evaluator_wires);
  input_zero.insert(input_zero.end(), evaluator_zero.begin(), evaluator_zero.end());

  std::vector<Block> tables(circuit.and_count() * 2);
  std::vector<Block> output_zero(circuit.output_wires().size());
  garbler().garble(circuit, 1, input_zero, tables, output_zero);
  send_tables(tables);
  send_active_labels(std::span<const Block>(input_zero).first(garbler_wires), garbler_input_bits);
  send_decoding_bits(output_zero);
  channel_.flush();

  std::vector<std::uint8_t> packed((output_zero.size() + 7) / 8);
  channel_.receive(packed.data(), packed.size());
  std::vector<std::uint8_t> outputs(output_zero.size());
  for (std::size_t i = 0; i < outputs.size(); ++i) outputs[i] = (packed[i / 8] >> (i % 8)) & 1;
  return outputs;
}

}  // namespace pinas::crypto
