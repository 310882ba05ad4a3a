#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "crypto/net/channel.h"
#include "crypto/primitives/block.h"
#include "crypto/primitives/prg.h"
#include "crypto/primitives/tweak_domains.h"

namespace pinas::crypto {

// The sender of IKNP OT extension (Ishai–Kilian–Nissim–Petrank, CRYPTO 2003),
// semi-honest, κ = 128.
//
// Setup runs 128 Chou–Orlandi base OTs in the reverse direction: the
// extension sender is the base-OT receiver with choice bits s = Δ, and keeps
// the seeds k_{s_i}. Each extension of n OTs (padded to a multiple of 128)
// then costs the receiver one message of 16 bytes per OT (the matrix u),
// after which the sender holds rows q_j = t_j ⊕ r_j·Δ, where the receiver
// holds t_j and its choice bits r_j. Rows come out of the column PRGs and a
// 128×128 bit transpose.
//
// Semi-honest security: the receiver's columns u^i = G(k0_i) ⊕ G(k1_i) ⊕ r
// are masked by G(k_{1−s_i}), which the sender never learns, so the sender
// learns nothing of r; the receiver never learns Δ = s because every value it
// sees about Δ passes through the correlation-robust hash (random, chosen
// and ring flavours) or, for raw correlated OT, through the caller's
// higher-level protocol (free-XOR garbling, where Δ stays hidden by the
// labels' pseudorandomness). No consistency check: a malicious receiver could
// learn bits of Δ (KOS would fix that; not needed in the semi-honest model).
//
// Flavours (each call is one round: the receiver's u message; the hashed
// flavours add one reply from the sender). Row indices feed the hash tweak
// and keep increasing across calls, so no two OTs share a tweak.
// Not thread-safe; one sender per channel, paired with one IknpReceiver.
class IknpSender {
 public:
  // `domain`: the hash tweaks' domain (tweak_domains.h); the paired
  // IknpReceiver must use the same one.
  explicit IknpSender(Channel& channel, TweakDomain domain = TweakDomain::kOtExtension);
  ~IknpSender();
  IknpSender(const IknpSender&) = delete;
  IknpSender& operator=(const IknpSender&) = delete;

  // Runs the base OTs with Δ = `delta` (any value; garbling wants lsb = 1).
  // Must be called once before any extension. Throws ProtocolError /
  // ChannelError.
  void setup(const Block& delta);
  // Same with a random Δ from the OS whose lsb is 1 (point-and-permute).
  void setup();
  bool is_set_up() const { return is_set_up_; }
  // The global correlation Δ. Requires setup.
  const Block& delta() const { return delta_; }

  // Correlated OT: zero_messages[j] = q_j; the receiver gets
  // q_j ⊕ r_j·Δ. No message from the sender. Throws ProtocolError if not set
  // up.
  void send_correlated(std::span<Block> zero_messages);

  // Random OT: zero_messages[j] = H(q_j, j'), one_messages[j] = H(q_j ⊕ Δ, j')
  // (j' the global row index); the receiver gets the one of its choice.
  void send_random(std::span<Block> zero_messages, std::span<Block> one_messages);

  // Chosen-message OT of 128-bit messages: the receiver learns
  // zero_messages[j] or one_messages[j] as its choice bit says, nothing of
  // the other. Sends 32 bytes per OT.
  void send_chosen(std::span<const Block> zero_messages, std::span<const Block> one_messages);

  // Correlated OT over the ring Z_{2^ring_bits} (1 ≤ ring_bits ≤ 64): fills
  // zero_values[j] = x0_j (uniformly random mod 2^ℓ); the receiver gets
  // x0_j + r_j·correlations[j] mod 2^ℓ. Sends 8 bytes per OT. Used for
  // Gilboa multiplication. Requires equal sizes.
  void send_ring_correlated(std::span<const uint64_t> correlations, std::span<uint64_t> zero_values,
                            unsigned ring_bits);

  // Total OTs extended so far (the next global row index).
  uint64_t ots_extended() const { return row_index_; }

 private:
  // Receives u for `count` OTs and writes rows q_j to `rows` (count rounded up
  // to 128 rows).
  void extend(Block* rows, size_t count);

  Channel& channel_;
  bool is_set_up_ = false;
  Block delta_;
  std::vector<Prg> column_prgs_;  // G(k_{s_i}), i < 128
  std::vector<bool> delta_bits_;
  TweakDomain domain_;
  uint64_t row_index_ = 0;
  std::vector<Block> row_buffer_;
  std::vector<Block> column_buffer_;
};

}  // namespace pinas::crypto
