#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "crypto/circuits/circuit.h"
#include "crypto/gc/garbler.h"
#include "crypto/net/channel.h"
#include "crypto/ot/iknp_sender.h"
#include "crypto/primitives/prg.h"

namespace pinas::crypto {

// The garbling party of a two-party garbled-circuit computation over a
// Channel, paired with an EvaluatorParty on the other end. It owns the IKNP
// sender whose global correlation is the garbling Δ, so the evaluator's input
// labels are plain correlated OTs: the garbler's zero label of an evaluator
// wire is the COT message q_j, and the evaluator receives q_j ⊕ b_j·Δ.
//
// The building blocks (labels, garbling, sending) are public so that a
// caller can split the work into an offline and an online phase; run() is
// the whole one-shot protocol. Every call must be mirrored by the peer's
// matching EvaluatorParty call, in the same order.
// Not thread-safe; one party per channel.
class GarblerParty {
 public:
  // Keeps a reference to `channel`, which must outlive the party.
  explicit GarblerParty(Channel& channel);

  // Runs the IKNP base OTs with a fresh random Δ (lsb 1). Once, first.
  // Mirrors EvaluatorParty::setup. Throws ChannelError / ProtocolError.
  void setup();
  bool is_set_up() const { return garbler_ != nullptr; }
  Garbler& garbler();
  IknpSender& ot_sender() { return ot_sender_; }
  Channel& channel() { return channel_; }

  // `count` fresh random zero labels (for the garbler's own input wires).
  std::vector<Block> random_zero_labels(std::size_t count);
  // Zero labels of `count` evaluator input wires, through correlated OT.
  // Mirrors EvaluatorParty::receive_input_labels (the evaluator's bits are
  // needed then, not before: call this offline when they are known offline).
  std::vector<Block> evaluator_zero_labels(std::size_t count);
  // Sends the active labels zero_labels[i] ⊕ bits[i]·Δ (bits are 0/1).
  // Mirrors EvaluatorParty::receive_garbler_labels.
  void send_active_labels(std::span<const Block> zero_labels, std::span<const std::uint8_t> bits);
  // Sends the garbled tables. Mirrors EvaluatorParty::receive_tables.
  void send_tables(std::span<const Block> tables);
  // Sends the decoding bits (lsb of each output zero label), packed.
  // Mirrors EvaluatorParty::receive_decoding_bits.
  void send_decoding_bits(std::span<const Block> output_zero_labels);

  // The whole protocol for one circuit: handshake on the circuit's
  // fingerprint, COT for the evaluator's inputs, garbling, sending tables,
  // the garbler's labels and the decoding bits; the evaluator decodes and
  // sends the output back. The first `garbler_groups` input groups are the
  // garbler's, given in garbler_input_bits (0/1, group after group); the
  // rest are the evaluator's. Returns the output bits. Calls setup() if
  // needed. Throws CircuitError on a wrong input size, HandshakeError when
  // the peer runs another circuit, ChannelError, ProtocolError.
  std::vector<std::uint8_t> run(const Circuit& circuit, std::size_t garbler_groups,
                                std::span<const std::uint8_t> garbler_input_bits);

 private:
  Channel& channel_;
  IknpSender ot_sender_;
  Prg prg_;
  std::unique_ptr<Garbler> garbler_;
};

// The number of input wires of the first `groups` input groups of `circuit`.
// Throws CircuitError when groups exceeds the circuit's input groups.
std::size_t leading_input_wires(const Circuit& circuit, std::size_t groups);

}  // namespace pinas::crypto
