#pragma once

#include <span>

#include "crypto/net/channel.h"
#include "crypto/primitives/block.h"

namespace pinas::crypto {

// The sender of Chou–Orlandi "simplest OT" (Latincrypt 2015) over the
// prime-order group ristretto255 (libsodium). Random-OT flavour: the sender
// learns two random 128-bit keys per OT, the receiver one of them.
//
// Protocol (G the generator, H a hash to 128 bits: BLAKE2b over a domain tag,
// the OT index, A, B and the shared point):
//   sender:   a ← Z_q, A = a·G, send A
//   receiver: b_i ← Z_q, B_i = b_i·G + c_i·A, send B_i, key = H(i, A, B_i, b_i·A)
//   sender:   k0_i = H(i, A, B_i, a·B_i), k1_i = H(i, A, B_i, a·(B_i − A))
// Security: semi-honest (and UC against malicious receivers in the random
// oracle model per the paper, though we only claim semi-honest); a received
// point that is not a canonical ristretto255 encoding, or that makes a shared
// point the identity, is refused with ProtocolError. Used with 128 OTs to
// seed IKNP; two messages per batch (A one way, all B_i the other).
class BaseOtSender {
 public:
  // Runs zero_keys.size() OTs with the receiver on `channel`. Requires
  // zero_keys.size() == one_keys.size(). Fills both. Throws ProtocolError
  // (invalid point from peer, size mismatch) or ChannelError.
  static void send(Channel& channel, std::span<Block> zero_keys, std::span<Block> one_keys);
};

}  // namespace pinas::crypto
