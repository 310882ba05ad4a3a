#include "crypto/gc/evaluator_party.h"

#include <string>

#include "crypto/circuits/circuit_error.h"
#include "crypto/gc/garbler.h"
#include "crypto/gc/garbler_party.h"
#include "crypto/gc/output_decoding.h"
#include "crypto/net/handshake.h"
#include "crypto/primitives/bit_vector.h"

namespace pinas::crypto {

EvaluatorParty::EvaluatorParty(Channel& channel) : channel_(channel), ot_receiver_(channel) {}

void EvaluatorParty::setup() {
  ot_receiver_.setup();
}

std::vector<Block> EvaluatorParty::receive_input_labels(std::span<const std::uint8_t> bits) {
  std::vector<Block> labels(bits.size());
  if (bits.empty()) return labels;
  ot_receiver_.receive_correlated(BitVector::from_bytes_per_bit(bits), labels);
  return labels;
}

std::vector<Block> EvaluatorParty::receive_garbler_labels(std::size_t count) {
  std::vector<Block> labels(count);
  channel_.receive_blocks(labels);
  return labels;
}

void EvaluatorParty::receive_garbler_labels(std::span<Block> labels) {
  channel_.receive_blocks(labels);
}

void EvaluatorParty::receive_tables(std::span<Block> tables) {
  channel_.receive_blocks(tables);
}

std::vector<std::uint8_t> EvaluatorParty::receive_decoding_bits(std::size_t outputs) {
  std::vector<std::uint8_t> packed((outputs + 7) / 8);
  channel_.receive(packed.data(), packed.size());
  return packed;
}

std::vector<std::uint8_t> EvaluatorParty::run(const Circuit& circuit, std::size_t garbler_groups,
                                              std::span<const std::uint8_t> evaluator_input_bits) {
  const std::size_t garbler_wires = leading_input_wires(circuit, garbler_groups);
  const std::size_t evaluator_wires = circuit.input_wire_count() - garbler_wires;
  if (evaluator_input_bits.size() != evaluator_wires) {
    throw CircuitError("garbled circuit: the evaluator's inputs are " +
                       std::to_string(evaluator_input_bits.size()) +
                       " bits, its input groups have " + std::to_string(evaluator_wires) +
                       " wires");
  }
  ProtocolParameters parameters;
  parameters.ring_bits = 64;
  parameters.circuit_id =
      "gc " + circuit.fingerprint() + " garbler groups " + std::to_string(garbler_groups);
  handshake(channel_, parameters);
  if (!is_set_up()) setup();

  std::vector<Block> evaluator_labels = receive_input_labels(evaluator_input_bits);
  std::vector<Block> tables(circuit.and_count() * 2);
  receive_tables(tables);
  std::vector<Block> input_labels = receive_garbler_labels(garbler_wires);
  input_labels.insert(input_labels.end(), evaluator_labels.begin(), evaluator_labels.end());
  std::vector<std::uint8_t> decoding = receive_decoding_bits(circuit.output_wires().size());

  std::vector<Block> output_labels(circuit.output_wires().size());
  evaluator_.evaluate(circuit, 1, input_labels, tables, output_labels);
  std::vector<std::uint8_t> outputs = decode_outputs(output_labels, decoding);
  std::vector<std::uint8_t> packed((outputs.size() + 7) / 8, 0);
  for (std::size_t i = 0; i < outputs.size(); ++i)
    packed[i / 8] = static_cast<std::uint8_t>(packed[i / 8] | (outputs[i] << (i % 8)));
  channel_.send(packed.data(), packed.size());
  channel_.flush();
  return outputs;
}

}  // namespace pinas::crypto
