#include "crypto/gc/circa_relu_evaluator.h"

#include <algorithm>
#include <string>

#include "crypto/circuits/share_circuits.h"
#include "crypto/gc/detail/label_engine.h"
#include "crypto/gc/detail/share_bits.h"
#include "crypto/gc/detail/slice_evaluation.h"
#include "crypto/gc/garbler.h"
#include "crypto/gc/share_circuit_garbler.h"
#include "crypto/net/handshake.h"
#include "crypto/primitives/bit_vector.h"

namespace pinas::crypto {

CircaReluEvaluator::CircaReluEvaluator(EvaluatorParty& party, std::uint32_t bits,
                                       std::uint32_t dropped_bits)
    : party_(party),
      bits_(bits),
      dropped_bits_(dropped_bits),
      circuit_(circa_sign_circuit(bits, dropped_bits)),
      reverse_sender_(party.channel(), TweakDomain::kCircaReverseOt) {}

void CircaReluEvaluator::offline(std::span<const std::uint64_t> evaluator_shares) {
  if (evaluator_shares.empty())
    throw ProtocolError("circa evaluator: a batch needs at least one ReLU");
  const std::size_t count = evaluator_shares.size();
  ProtocolParameters parameters;
  parameters.ring_bits = bits_;
  parameters.circuit_id = "circa " + std::to_string(dropped_bits_) + " " + circuit_.fingerprint() +
                          " copies " + std::to_string(count);
  handshake(party_.channel(), parameters);
  if (!party_.is_set_up()) party_.setup();
  if (!reverse_sender_.is_set_up()) reverse_sender_.setup();

  const std::uint64_t mask = ring_mask(bits_);
  shares_.assign(evaluator_shares.begin(), evaluator_shares.end());
  std::vector<std::uint64_t> truncated(count);
  for (std::size_t c = 0; c < count; ++c) {
    shares_[c] &= mask;
    truncated[c] = shares_[c] >> dropped_bits_;
  }
  share_labels_ =
      party_.receive_input_labels(detail::words_to_bits(truncated, bits_ - dropped_bits_));
  tables_.resize(count * circuit_.and_count() * 2);
  party_.receive_tables(tables_);
  count_ = count;
}

std::vector<std::uint64_t> CircaReluEvaluator::online() {
  if (count_ == 0) throw ProtocolError("circa evaluator: online() before offline()");
  const std::size_t count = count_;
  const std::size_t width = bits_ - dropped_bits_;
  const std::uint64_t mask = ring_mask(bits_);
  // Evaluated in slices as the labels arrive (see ShareCircuitEvaluator::
  // online): slices are multiples of kMaxChunkCopies, so the tables and
  // tweaks are those of one call over the batch.
  const std::size_t slice = detail::online_slice_copies(circuit_);
  std::vector<Block> garbler_labels, input_labels, output_labels;
  std::vector<std::uint8_t> sign_shares(count);
  for (std::size_t first = 0; first < count; first += slice) {
    const std::size_t n = std::min(slice, count - first);
    garbler_labels.resize(n * width);
    party_.receive_garbler_labels(garbler_labels);
    input_labels.resize(n * 2 * width);
    for (std::size_t c = 0; c < n; ++c) {
      std::copy_n(garbler_labels.data() + c * width, width, input_labels.data() + c * 2 * width);
      std::copy_n(share_labels_.data() + (first + c) * width, width,
                  input_labels.data() + c * 2 * width + width);
    }
    output_labels.resize(n);
    evaluate_seconds_ += detail::evaluate_slice(party_.evaluator(), circuit_, first, n,
                                                input_labels, tables_, output_labels);
    for (std::size_t c = 0; c < n; ++c) sign_shares[first + c] = output_labels[c].lsb() ? 1 : 0;
  }
  tables_ = {};  // one-shot

  // COT 1 (mirrors the garbler): we get x0 + s_e·(1 − 2s_g)·a.
  std::vector<std::uint64_t> received(count);
  party_.ot_receiver().receive_ring_correlated(BitVector::from_bytes_per_bit(sign_shares), received,
                                               bits_);
  // COT 2: the garbler gets y0 + s_g·(1 − 2s_e)·b.
  std::vector<std::uint64_t> correlations(count), zero_values(count);
  for (std::size_t c = 0; c < count; ++c)
    correlations[c] = (sign_shares[c] ? 0 - shares_[c] : shares_[c]) & mask;
  reverse_sender_.send_ring_correlated(correlations, zero_values, bits_);

  std::vector<std::uint64_t> result(count);
  for (std::size_t c = 0; c < count; ++c) {
    result[c] = (received[c] + (sign_shares[c] ? shares_[c] : 0) - zero_values[c]) & mask;
  }
  count_ = 0;
  return result;
}

}  // namespace pinas::crypto
