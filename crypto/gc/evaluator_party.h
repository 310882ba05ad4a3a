#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "crypto/circuits/circuit.h"
#include "crypto/gc/evaluator.h"
#include "crypto/net/channel.h"
#include "crypto/ot/iknp_receiver.h"

namespace pinas::crypto {

// The evaluating party, the mirror of GarblerParty (see there): each call
// matches the garbler's call of the same role, in the same order.
// Not thread-safe; one party per channel.
class EvaluatorParty {
 public:
  // Keeps a reference to `channel`, which must outlive the party.
  explicit EvaluatorParty(Channel& channel);

  // Runs the IKNP base OTs. Mirrors GarblerParty::setup.
  void setup();
  bool is_set_up() const { return ot_receiver_.is_set_up(); }
  Evaluator& evaluator() { return evaluator_; }
  IknpReceiver& ot_receiver() { return ot_receiver_; }
  Channel& channel() { return channel_; }

  // Active labels for our input bits (0/1) through correlated OT.
  std::vector<Block> receive_input_labels(std::span<const std::uint8_t> bits);
  // The garbler's active labels for `count` wires.
  std::vector<Block> receive_garbler_labels(std::size_t count);
  // The same into `labels` (labels.size() of them): a caller receiving a
  // big batch in slices reuses one buffer.
  void receive_garbler_labels(std::span<Block> labels);
  // Receives `count` table blocks into `tables` (size count).
  void receive_tables(std::span<Block> tables);
  // The packed decoding bits of `outputs` output wires.
  std::vector<std::uint8_t> receive_decoding_bits(std::size_t outputs);

  // The whole protocol, mirroring GarblerParty::run: our inputs are the
  // groups from `garbler_groups` on, given as 0/1 bits. Returns the output
  // bits (and sends them to the garbler). Throws as GarblerParty::run.
  std::vector<std::uint8_t> run(const Circuit& circuit, std::size_t garbler_groups,
                                std::span<const std::uint8_t> evaluator_input_bits);

 private:
  Channel& channel_;
  IknpReceiver ot_receiver_;
  Evaluator evaluator_;
};

}  // namespace pinas::crypto
