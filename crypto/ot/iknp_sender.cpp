#include "crypto/ot/iknp_sender.h"

#include <algorithm>
#include <cstring>

#include "crypto/ot/base_ot_receiver.h"
#include "crypto/ot/detail/iknp_constants.h"
#include "crypto/primitives/bit_matrix_transpose.h"
#include "crypto/primitives/correlation_robust_hash.h"
#include "crypto/primitives/os_random.h"

namespace pinas::crypto {

using detail::kIknpChunkRows;
using detail::kIknpColumns;

IknpSender::IknpSender(Channel& channel, TweakDomain domain) : channel_(channel), domain_(domain) {}

IknpSender::~IknpSender() = default;

void IknpSender::setup() {
  setup(os_random_block().with_lsb(true));
}

void IknpSender::setup(const Block& delta) {
  if (is_set_up_) throw ProtocolError("IKNP sender: setup called twice");
  BitVector choices(kIknpColumns);
  delta_bits_.assign(kIknpColumns, false);
  for (size_t i = 0; i < kIknpColumns; ++i) {
    choices.set(i, delta.bit(static_cast<unsigned>(i)));
    delta_bits_[i] = delta.bit(static_cast<unsigned>(i));
  }
  std::vector<Block> seeds(kIknpColumns);
  BaseOtReceiver::receive(channel_, choices, seeds);
  column_prgs_.clear();
  column_prgs_.reserve(kIknpColumns);
  for (const Block& seed : seeds) column_prgs_.emplace_back(seed);
  delta_ = delta;
  column_buffer_.assign(kIknpColumns * kIknpChunkRows / 128, Block());
  row_buffer_.assign(kIknpChunkRows, Block());
  is_set_up_ = true;
}

void IknpSender::extend(Block* rows, size_t count) {
  if (!is_set_up_) throw ProtocolError("IKNP sender: extension before setup");
  Block received[kIknpChunkRows / 128];
  for (size_t done = 0; done < count;) {
    const size_t padded = detail::iknp_padded_chunk_rows(done, count);
    const size_t column_blocks = padded / 128;
    // q^i = G(k_{s_i}) ⊕ s_i·u^i, column by column.
    for (size_t i = 0; i < kIknpColumns; ++i) {
      Block* column = column_buffer_.data() + i * column_blocks;
      column_prgs_[i].random_blocks(column, column_blocks);
      channel_.receive_blocks(std::span<Block>(received, column_blocks));
      const Block select = Block::mask(delta_bits_[i]);
      for (size_t k = 0; k < column_blocks; ++k) column[k] ^= received[k] & select;
    }
    // Full chunks transpose straight into the output; the padded last one
    // goes through the row buffer.
    const size_t now = std::min(count - done, kIknpChunkRows);
    Block* target = now == padded ? rows + done : row_buffer_.data();
    transpose_bit_matrix(reinterpret_cast<const uint8_t*>(column_buffer_.data()),
                         reinterpret_cast<uint8_t*>(target), kIknpColumns, padded);
    if (target != rows + done) {
      std::memcpy(static_cast<void*>(rows + done), row_buffer_.data(), now * sizeof(Block));
    }
    done += now;
  }
}

void IknpSender::send_correlated(std::span<Block> zero_messages) {
  extend(zero_messages.data(), zero_messages.size());
  row_index_ += zero_messages.size();
}

void IknpSender::send_random(std::span<Block> zero_messages, std::span<Block> one_messages) {
  if (zero_messages.size() != one_messages.size()) {
    throw ProtocolError("IKNP send_random: " + std::to_string(zero_messages.size()) +
                        " zero messages but " + std::to_string(one_messages.size()) +
                        " one messages");
  }
  const size_t count = zero_messages.size();
  extend(zero_messages.data(), count);
  for (size_t j = 0; j < count; ++j) one_messages[j] = zero_messages[j] ^ delta_;
  CorrelationRobustHash::hash_blocks(zero_messages.data(), zero_messages.data(), count, domain_,
                                     row_index_);
  CorrelationRobustHash::hash_blocks(one_messages.data(), one_messages.data(), count, domain_,
                                     row_index_);
  row_index_ += count;
}

void IknpSender::send_chosen(std::span<const Block> zero_messages,
                             std::span<const Block> one_messages) {
  if (zero_messages.size() != one_messages.size()) {
    throw ProtocolError("IKNP send_chosen: " + std::to_string(zero_messages.size()) +
                        " zero messages but " + std::to_string(one_messages.size()) +
                        " one messages");
  }
  const size_t count = zero_messages.size();
  std::vector<Block> pads(count);
  extend(pads.data(), count);
  // Mask with the random-OT pads, a batch at a time: y0 = m0 ⊕ H(q), y1 =
  // m1 ⊕ H(q ⊕ Δ), sent interleaved.
  constexpr size_t kBatch = 1024;
  Block zero_pads[kBatch];
  Block one_pads[kBatch];
  Block out[2 * kBatch];
  for (size_t begin = 0; begin < count; begin += kBatch) {
    const size_t now = std::min(kBatch, count - begin);
    for (size_t k = 0; k < now; ++k) one_pads[k] = pads[begin + k] ^ delta_;
    CorrelationRobustHash::hash_blocks(pads.data() + begin, zero_pads, now, domain_,
                                       row_index_ + begin);
    CorrelationRobustHash::hash_blocks(one_pads, one_pads, now, domain_, row_index_ + begin);
    for (size_t k = 0; k < now; ++k) {
      out[2 * k] = zero_pads[k] ^ zero_messages[begin + k];
      out[2 * k + 1] = one_pads[k] ^ one_messages[begin + k];
    }
    channel_.send_blocks(std::span<const Block>(out, 2 * now));
  }
  channel_.flush();
  row_index_ += count;
}

void IknpSender::send_ring_correlated(std::span<const uint64_t> correlations,
                                      std::span<uint64_t> zero_values, unsigned ring_bits) {
  if (ring_bits < 1 || ring_bits > 64) {
    throw ProtocolError("IKNP ring COT: ring bits " + std::to_string(ring_bits) + " outside 1..64");
  }
  if (correlations.size() != zero_values.size()) {
    throw ProtocolError("IKNP ring COT: " + std::to_string(correlations.size()) +
                        " correlations but " + std::to_string(zero_values.size()) + " outputs");
  }
  const uint64_t mask = ring_bits == 64 ? ~uint64_t{0} : (uint64_t{1} << ring_bits) - 1;
  const size_t count = zero_values.size();
  std::vector<Block> pads(count);
  extend(pads.data(), count);
  constexpr size_t kBatch = 1024;
  Block zero_pads[kBatch];
  Block one_pads[kBatch];
  uint64_t corrections[kBatch];
  for (size_t begin = 0; begin < count; begin += kBatch) {
    const size_t now = std::min(kBatch, count - begin);
    for (size_t k = 0; k < now; ++k) one_pads[k] = pads[begin + k] ^ delta_;
    CorrelationRobustHash::hash_blocks(pads.data() + begin, zero_pads, now, domain_,
                                       row_index_ + begin);
    CorrelationRobustHash::hash_blocks(one_pads, one_pads, now, domain_, row_index_ + begin);
    // x0 = H(q) and d = x0 + c − H(q ⊕ Δ): the receiver with bit 1 adds d
    // to H(q ⊕ Δ) and gets x0 + c.
    for (size_t k = 0; k < now; ++k) {
      uint64_t x0 = zero_pads[k].low() & mask;
      zero_values[begin + k] = x0;
      corrections[k] = (x0 + correlations[begin + k] - one_pads[k].low()) & mask;
    }
    channel_.send_uint64s(std::span<const uint64_t>(corrections, now));
  }
  channel_.flush();
  row_index_ += count;
}

}  // namespace pinas::crypto
