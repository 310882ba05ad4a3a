#include "crypto/ot/iknp_receiver.h"

#include <algorithm>
#include <cstring>

#include "crypto/ot/base_ot_sender.h"
#include "crypto/ot/detail/iknp_constants.h"
#include "crypto/primitives/bit_matrix_transpose.h"
#include "crypto/primitives/correlation_robust_hash.h"

namespace pinas::crypto {

using detail::kIknpChunkRows;
using detail::kIknpColumns;

namespace {

void require_sizes(const char* operation, size_t choices, size_t outputs) {
  if (choices != outputs) {
    throw ProtocolError(std::string("IKNP ") + operation + ": " + std::to_string(choices) +
                        " choice bits but " + std::to_string(outputs) + " outputs");
  }
}

}  // namespace

IknpReceiver::IknpReceiver(Channel& channel, TweakDomain domain)
    : channel_(channel), domain_(domain) {}

IknpReceiver::~IknpReceiver() = default;

void IknpReceiver::setup() {
  if (is_set_up_) throw ProtocolError("IKNP receiver: setup called twice");
  std::vector<Block> zero_seeds(kIknpColumns);
  std::vector<Block> one_seeds(kIknpColumns);
  BaseOtSender::send(channel_, zero_seeds, one_seeds);
  zero_prgs_.clear();
  one_prgs_.clear();
  zero_prgs_.reserve(kIknpColumns);
  one_prgs_.reserve(kIknpColumns);
  for (size_t i = 0; i < kIknpColumns; ++i) {
    zero_prgs_.emplace_back(zero_seeds[i]);
    one_prgs_.emplace_back(one_seeds[i]);
  }
  column_buffer_.assign(kIknpColumns * kIknpChunkRows / 128, Block());
  row_buffer_.assign(kIknpChunkRows, Block());
  mask_buffer_.assign(kIknpChunkRows / 128, Block());
  is_set_up_ = true;
}

void IknpReceiver::extend(const BitVector& choices, Block* rows) {
  if (!is_set_up_) throw ProtocolError("IKNP receiver: extension before setup");
  const size_t count = choices.size();
  for (size_t done = 0; done < count;) {
    const size_t padded = detail::iknp_padded_chunk_rows(done, count);
    const size_t column_blocks = padded / 128;
    const size_t first_choice_block = done / 128;
    // t^i = G(k0_i); u^i = t^i ⊕ G(k1_i) ⊕ r.
    for (size_t i = 0; i < kIknpColumns; ++i) {
      Block* column = column_buffer_.data() + i * column_blocks;
      zero_prgs_[i].random_blocks(column, column_blocks);
      one_prgs_[i].random_blocks(mask_buffer_.data(), column_blocks);
      for (size_t k = 0; k < column_blocks; ++k) {
        mask_buffer_[k] ^= column[k] ^ choices.block(first_choice_block + k);
      }
      channel_.send_blocks(std::span<const Block>(mask_buffer_.data(), column_blocks));
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
  channel_.flush();
}

void IknpReceiver::receive_correlated(const BitVector& choices, std::span<Block> messages) {
  require_sizes("receive_correlated", choices.size(), messages.size());
  extend(choices, messages.data());
  row_index_ += choices.size();
}

void IknpReceiver::receive_random(const BitVector& choices, std::span<Block> messages) {
  require_sizes("receive_random", choices.size(), messages.size());
  extend(choices, messages.data());
  CorrelationRobustHash::hash_blocks(messages.data(), messages.data(), messages.size(), domain_,
                                     row_index_);
  row_index_ += choices.size();
}

void IknpReceiver::receive_chosen(const BitVector& choices, std::span<Block> messages) {
  require_sizes("receive_chosen", choices.size(), messages.size());
  const size_t count = choices.size();
  extend(choices, messages.data());
  CorrelationRobustHash::hash_blocks(messages.data(), messages.data(), count, domain_, row_index_);
  constexpr size_t kBatch = 1024;
  Block masked[2 * kBatch];
  for (size_t begin = 0; begin < count; begin += kBatch) {
    const size_t now = std::min(kBatch, count - begin);
    channel_.receive_blocks(std::span<Block>(masked, 2 * now));
    for (size_t k = 0; k < now; ++k) {
      const bool choice = choices[begin + k];
      // Branch-free pick of y_choice.
      const Block chosen =
          (masked[2 * k] & Block::mask(!choice)) | (masked[2 * k + 1] & Block::mask(choice));
      messages[begin + k] ^= chosen;
    }
  }
  row_index_ += count;
}

void IknpReceiver::receive_ring_correlated(const BitVector& choices, std::span<uint64_t> values,
                                           unsigned ring_bits) {
  require_sizes("receive_ring_correlated", choices.size(), values.size());
  if (ring_bits < 1 || ring_bits > 64) {
    throw ProtocolError("IKNP ring COT: ring bits " + std::to_string(ring_bits) + " outside 1..64");
  }
  const uint64_t mask = ring_bits == 64 ? ~uint64_t{0} : (uint64_t{1} << ring_bits) - 1;
  const size_t count = choices.size();
  std::vector<Block> pads(count);
  extend(choices, pads.data());
  CorrelationRobustHash::hash_blocks(pads.data(), pads.data(), count, domain_, row_index_);
  constexpr size_t kBatch = 1024;
  uint64_t corrections[kBatch];
  for (size_t begin = 0; begin < count; begin += kBatch) {
    const size_t now = std::min(kBatch, count - begin);
    channel_.receive_uint64s(std::span<uint64_t>(corrections, now));
    for (size_t k = 0; k < now; ++k) {
      const uint64_t choice = choices[begin + k] ? ~uint64_t{0} : 0;
      values[begin + k] = (pads[begin + k].low() + (corrections[k] & choice)) & mask;
    }
  }
  row_index_ += count;
}

}  // namespace pinas::crypto
