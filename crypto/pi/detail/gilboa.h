#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <span>
#include <vector>

#include "crypto/net/channel.h"
#include "crypto/ot/iknp_receiver.h"
#include "crypto/ot/iknp_sender.h"
#include "crypto/pi/detail/bit_packing.h"
#include "crypto/pi/detail/ring.h"
#include "crypto/primitives/bit_vector.h"
#include "crypto/primitives/prg.h"

namespace pinas::pi::detail {

// Vector correlated OT from random OT, streamed (see product_plans.h for the
// plans). For OT t with random-OT messages m0, m1 (receiver holds m_b), both
// parties expand their messages with the PRG: the sender takes x0 = G(m0)
// and sends d = G(m0) + c - G(m1) (mod 2^(ℓ-j), packed); the receiver takes
// G(m_b) + b·d = x0 + b·c. The sender accumulates -x0·2^j, the receiver
// (x0 + b·c)·2^j, so the sums over all OTs are additive shares of
// Σ_t b_t·2^j·c_t: the products. Security (semi-honest): the receiver sees d
// masked by G(m_{1-b}), pseudorandom to it; the sender sees only the IKNP
// messages, which hide b.
//
// Corrections go out in chunks of about kChunkBits bits; chunk boundaries are
// computed by both parties from the public plan, so no lengths are sent.
inline constexpr std::uint64_t kChunkBits = std::uint64_t{8} << 20;

// Expands a 128-bit OT message into uint64 values with AES-CTR.
class MessageExpander {
 public:
  MessageExpander(const crypto::Block& seed) : prg_(seed) {}
  std::uint64_t next() {
    if (index_ == 2 * kBlocks) refill();
    const crypto::Block& block = buffer_[index_ / 2];
    return (index_++ % 2 == 0) ? block.low() : block.high();
  }

 private:
  static constexpr std::size_t kBlocks = 8;
  void refill() {
    prg_.random_blocks(buffer_, kBlocks);
    index_ = 0;
  }
  crypto::Prg prg_;
  crypto::Block buffer_[kBlocks];
  std::size_t index_ = 2 * kBlocks;
};

template <class Plan>
std::size_t chunk_end(const Plan& plan, std::size_t begin, std::uint32_t ring_bits, std::uint64_t& bits) {
  bits = 0;
  std::size_t end = begin;
  while (end < plan.ot_count() && bits < kChunkBits) {
    bits += static_cast<std::uint64_t>(plan.length(end)) * (ring_bits - plan.bit(end));
    ++end;
  }
  return end;
}

// The sender's side: `values` are its correlations (indexed by the plan),
// `output` accumulates its shares. Throws ChannelError / ProtocolError.
template <class Plan>
void send_products(const Plan& plan, crypto::IknpSender& ot, crypto::Channel& channel,
                   std::span<const std::uint64_t> values, std::span<std::uint64_t> output,
                   const Ring& ring) {
  const std::size_t count = plan.ot_count();
  if (count == 0) return;
  std::vector<crypto::Block> zero(count), one(count);
  ot.send_random(zero, one);
  BitWriter writer;
  std::size_t begin = 0;
  while (begin < count) {
    std::uint64_t bits = 0;
    const std::size_t end = chunk_end(plan, begin, ring.bits(), bits);
    writer.clear();
    for (std::size_t t = begin; t < end; ++t) {
      const std::uint32_t j = plan.bit(t);
      const std::uint32_t width = ring.bits() - j;
      const std::uint64_t mask = width >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << width) - 1;
      const bool negated = plan.negated(t);
      MessageExpander x0(zero[t]), x1(one[t]);
      plan.for_each(t, [&](std::size_t out, std::size_t value) {
        const std::uint64_t a = x0.next() & mask;
        const std::uint64_t c = negated ? 0 - values[value] : values[value];
        writer.write((a + c - x1.next()) & mask, width);
        output[out] -= a << j;
      });
    }
    channel.send_uint64s(writer.words());
    begin = end;
  }
  for (auto& value : output) value = ring.reduce(value);
}

// The receiver's side: `choices` holds one 0/1 per OT (bit j of its
// decomposed element), `output` accumulates its shares. Throws ChannelError /
// ProtocolError.
template <class Plan>
void receive_products(const Plan& plan, crypto::IknpReceiver& ot, crypto::Channel& channel,
                      std::span<const std::uint8_t> choices, std::span<std::uint64_t> output,
                      const Ring& ring) {
  const std::size_t count = plan.ot_count();
  if (count == 0) return;
  if (choices.size() != count) {
    throw crypto::ProtocolError(fmt::format("products: {} choice bits for {} OTs", choices.size(), count));
  }
  std::vector<crypto::Block> messages(count);
  ot.receive_random(crypto::BitVector::from_bytes_per_bit(choices), messages);
  std::vector<std::uint64_t> words;
  std::size_t begin = 0;
  while (begin < count) {
    std::uint64_t bits = 0;
    const std::size_t end = chunk_end(plan, begin, ring.bits(), bits);
    words.resize(words_for_bits(bits));
    channel.receive_uint64s(words);
    BitReader reader(words.data(), words.size());
    for (std::size_t t = begin; t < end; ++t) {
      const std::uint32_t j = plan.bit(t);
      const std::uint32_t width = ring.bits() - j;
      const std::uint64_t mask = width >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << width) - 1;
      const std::uint64_t choose = choices[t] != 0 ? mask : 0;
      MessageExpander x(messages[t]);
      plan.for_each(t, [&](std::size_t out, std::size_t) {
        const std::uint64_t d = reader.read(width);
        output[out] += ((x.next() + (d & choose)) & mask) << j;
      });
    }
    begin = end;
  }
  for (auto& value : output) value = ring.reduce(value);
}

}  // namespace pinas::pi::detail
