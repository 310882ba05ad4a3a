#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "crypto/net/channel.h"
#include "crypto/primitives/bit_vector.h"
#include "crypto/primitives/block.h"
#include "crypto/primitives/prg.h"
#include "crypto/primitives/tweak_domains.h"

namespace pinas::crypto {

// The receiver of IKNP OT extension; see IknpSender for the protocol and the
// security argument. Each call must mirror the sender's call of the same
// flavour and size (choices.size() OTs). Not thread-safe.
class IknpReceiver {
 public:
  // `domain`: the hash tweaks' domain (tweak_domains.h); the paired
  // IknpSender must use the same one.
  explicit IknpReceiver(Channel& channel, TweakDomain domain = TweakDomain::kOtExtension);
  ~IknpReceiver();
  IknpReceiver(const IknpReceiver&) = delete;
  IknpReceiver& operator=(const IknpReceiver&) = delete;

  // Runs the 128 base OTs (as base-OT sender). Once, before any extension.
  void setup();
  bool is_set_up() const { return is_set_up_; }

  // Correlated OT: messages[j] = t_j = q_j ⊕ choices[j]·Δ. Requires
  // messages.size() == choices.size().
  void receive_correlated(const BitVector& choices, std::span<Block> messages);

  // Random OT: messages[j] = the sender's message number choices[j].
  void receive_random(const BitVector& choices, std::span<Block> messages);

  // Chosen-message OT: messages[j] = the sender's chosen message number
  // choices[j].
  void receive_chosen(const BitVector& choices, std::span<Block> messages);

  // Ring correlated OT: values[j] = x0_j + choices[j]·correlations[j] mod
  // 2^ring_bits (see IknpSender::send_ring_correlated).
  void receive_ring_correlated(const BitVector& choices, std::span<uint64_t> values,
                               unsigned ring_bits);

  uint64_t ots_extended() const { return row_index_; }

 private:
  // Sends u for the choice bits and writes rows t_j to `rows`.
  void extend(const BitVector& choices, Block* rows);

  Channel& channel_;
  bool is_set_up_ = false;
  std::vector<Prg> zero_prgs_;  // G(k0_i)
  std::vector<Prg> one_prgs_;   // G(k1_i)
  TweakDomain domain_;
  uint64_t row_index_ = 0;
  std::vector<Block> row_buffer_;
  std::vector<Block> column_buffer_;
  std::vector<Block> mask_buffer_;
};

}  // namespace pinas::crypto
