#pragma once

#include <span>

#include "crypto/net/channel.h"
#include "crypto/primitives/bit_vector.h"
#include "crypto/primitives/block.h"

namespace pinas::crypto {

// The receiver of Chou–Orlandi simplest OT (see BaseOtSender for the protocol
// and security notes).
class BaseOtReceiver {
 public:
  // Runs choices.size() OTs; keys[i] becomes the sender's key number
  // choices[i]. Requires keys.size() == choices.size(). Throws ProtocolError
  // (invalid point from peer, size mismatch) or ChannelError.
  static void receive(Channel& channel, const BitVector& choices, std::span<Block> keys);
};

}  // namespace pinas::crypto
