#include "crypto/gc/circa_relu_garbler.h"

#include <string>

#include "crypto/circuits/share_circuits.h"
#include "crypto/gc/detail/share_bits.h"
#include "crypto/gc/share_circuit_garbler.h"
#include "crypto/net/handshake.h"
#include "crypto/primitives/bit_vector.h"

namespace pinas::crypto {

CircaReluGarbler::CircaReluGarbler(GarblerParty& party, std::uint32_t bits,
                                   std::uint32_t dropped_bits)
    : party_(party),
      bits_(bits),
      dropped_bits_(dropped_bits),
      circuit_(circa_sign_circuit(bits, dropped_bits)),
      reverse_receiver_(party.channel(), TweakDomain::kCircaReverseOt) {}

void CircaReluGarbler::offline(std::size_t count) {
  if (count == 0) throw ProtocolError("circa garbler: a batch needs at least one ReLU");
  ProtocolParameters parameters;
  parameters.ring_bits = bits_;
  parameters.circuit_id = "circa " + std::to_string(dropped_bits_) + " " + circuit_.fingerprint() +
                          " copies " + std::to_string(count);
  handshake(party_.channel(), parameters);
  if (!party_.is_set_up()) party_.setup();
  if (!reverse_receiver_.is_set_up()) reverse_receiver_.setup();

  const std::size_t width = bits_ - dropped_bits_;
  std::vector<Block> evaluator_zero = party_.evaluator_zero_labels(count * width);
  share_zero_labels_ = party_.random_zero_labels(count * width);
  std::vector<Block> input_zero(count * 2 * width);
  for (std::size_t c = 0; c < count; ++c) {
    std::copy_n(share_zero_labels_.data() + c * width, width, input_zero.data() + c * 2 * width);
    std::copy_n(evaluator_zero.data() + c * width, width,
                input_zero.data() + c * 2 * width + width);
  }
  std::vector<Block> tables(count * circuit_.and_count() * 2);
  std::vector<Block> output_zero(count);
  double start = thread_cpu_seconds();
  party_.garbler().garble(circuit_, count, input_zero, tables, output_zero);
  garble_seconds_ += thread_cpu_seconds() - start;
  party_.send_tables(tables);
  party_.channel().flush();
  sign_shares_.resize(count);
  for (std::size_t c = 0; c < count; ++c) sign_shares_[c] = output_zero[c].lsb() ? 1 : 0;
  count_ = count;
}

std::vector<std::uint64_t> CircaReluGarbler::online(std::span<const std::uint64_t> garbler_shares) {
  if (count_ == 0) throw ProtocolError("circa garbler: online() before offline()");
  require_size(garbler_shares.size(), count_, "garbler shares");
  const std::size_t count = count_;
  const std::uint64_t mask = ring_mask(bits_);
  std::vector<std::uint64_t> truncated(count);
  for (std::size_t c = 0; c < count; ++c)
    truncated[c] = (garbler_shares[c] & mask) >> dropped_bits_;
  party_.send_active_labels(share_zero_labels_,
                            detail::words_to_bits(truncated, bits_ - dropped_bits_));
  party_.channel().flush();

  // COT 1: the evaluator chooses with s_e and gets x0 + s_e·(1 − 2s_g)·a.
  std::vector<std::uint64_t> correlations(count), zero_values(count);
  for (std::size_t c = 0; c < count; ++c) {
    std::uint64_t a = garbler_shares[c] & mask;
    correlations[c] = (sign_shares_[c] ? 0 - a : a) & mask;
  }
  party_.ot_sender().send_ring_correlated(correlations, zero_values, bits_);
  // COT 2: we choose with s_g and get y0 + s_g·(1 − 2s_e)·b.
  std::vector<std::uint64_t> received(count);
  reverse_receiver_.receive_ring_correlated(BitVector::from_bytes_per_bit(sign_shares_), received,
                                            bits_);

  std::vector<std::uint64_t> result(count);
  for (std::size_t c = 0; c < count; ++c) {
    std::uint64_t a = garbler_shares[c] & mask;
    result[c] = ((sign_shares_[c] ? a : 0) - zero_values[c] + received[c]) & mask;
  }
  count_ = 0;
  return result;
}

}  // namespace pinas::crypto
