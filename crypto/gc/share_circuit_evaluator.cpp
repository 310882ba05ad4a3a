#include "crypto/gc/share_circuit_evaluator.h"

#include <algorithm>
#include <string>

#include "crypto/gc/detail/label_engine.h"
#include "crypto/gc/detail/share_bits.h"
#include "crypto/gc/detail/slice_evaluation.h"
#include "crypto/gc/garbler.h"
#include "crypto/gc/output_decoding.h"
#include "crypto/gc/share_circuit_garbler.h"
#include "crypto/net/handshake.h"

namespace pinas::crypto {

ShareCircuitEvaluator::ShareCircuitEvaluator(EvaluatorParty& party, const Circuit& circuit,
                                             std::uint32_t bits)
    : party_(party), circuit_(circuit), bits_(bits) {
  require_share_circuit(circuit, bits);
}

void ShareCircuitEvaluator::offline(std::span<const std::uint64_t> evaluator_shares) {
  const std::size_t per_copy = circuit_.input_sizes()[2] / bits_;
  if (evaluator_shares.empty() || evaluator_shares.size() % per_copy != 0) {
    throw CircuitError("share circuit evaluator: " + std::to_string(evaluator_shares.size()) +
                       " shares are not a whole number of copies of " + std::to_string(per_copy));
  }
  const std::size_t count = evaluator_shares.size() / per_copy;
  ProtocolParameters parameters;
  parameters.ring_bits = bits_;
  parameters.circuit_id =
      "share circuit " + circuit_.fingerprint() + " copies " + std::to_string(count);
  handshake(party_.channel(), parameters);
  if (!party_.is_set_up()) party_.setup();

  evaluator_labels_ = party_.receive_input_labels(detail::words_to_bits(evaluator_shares, bits_));
  tables_.resize(count * circuit_.and_count() * 2);
  party_.receive_tables(tables_);
  decoding_bits_ = party_.receive_decoding_bits(count * bits_);
  count_ = count;
}

std::vector<std::uint64_t> ShareCircuitEvaluator::online() {
  if (count_ == 0) throw ProtocolError("share circuit evaluator: online() before offline()");
  const std::size_t count = count_;
  const std::size_t garbler_width = circuit_.input_sizes()[0];
  const std::size_t evaluator_width = circuit_.input_sizes()[2];
  const std::size_t inputs = circuit_.input_wire_count();
  // Slices of the batch, evaluated as their labels arrive: a big batch (a
  // max pool's windows are megabytes of labels) then never holds its labels
  // twice, and the client evaluates one slice while the next is in flight.
  // Slices are multiples of kMaxChunkCopies, so tables and tweaks are exactly
  // those of one call over the whole batch (garbler.h).
  const std::size_t slice = detail::online_slice_copies(circuit_);
  std::vector<Block> share_labels, input_labels, output_labels;
  std::vector<std::uint64_t> result;
  result.reserve(count);
  for (std::size_t first = 0; first < count; first += slice) {
    const std::size_t n = std::min(slice, count - first);
    share_labels.resize(n * garbler_width);
    party_.receive_garbler_labels(share_labels);
    input_labels.resize(n * inputs);
    for (std::size_t c = 0; c < n; ++c) {
      Block* target = input_labels.data() + c * inputs;
      std::copy_n(share_labels.data() + c * garbler_width, garbler_width, target);
      // The mask's active labels are the all-zero block (share_circuit_garbler.h).
      std::fill_n(target + garbler_width, bits_, Block::zero());
      std::copy_n(evaluator_labels_.data() + (first + c) * evaluator_width, evaluator_width,
                  target + garbler_width + bits_);
    }
    output_labels.resize(n * bits_);
    evaluate_seconds_ += detail::evaluate_slice(party_.evaluator(), circuit_, first, n,
                                                input_labels, tables_, output_labels);
    // first · bits is a multiple of 8 (slices are multiples of 256 copies).
    const auto decoding = std::span<const std::uint8_t>(decoding_bits_)
                              .subspan(first * bits_ / 8, (n * bits_ + 7) / 8);
    const auto words = detail::bits_to_words(decode_outputs(output_labels, decoding), bits_);
    result.insert(result.end(), words.begin(), words.end());
  }
  count_ = 0;
  tables_ = {};  // one-shot: a batch's tables are never evaluated twice
  return result;
}

}  // namespace pinas::crypto
