#pragma once

#include <cstdint>
#include <string>

#include "crypto/net/channel.h"
#include "crypto/primitives/crypto_error.h"

namespace pinas::crypto {

// The wire-protocol version; bump on any incompatible change of a protocol.
// 2: share circuits no longer send the mask's labels.
inline constexpr uint32_t kProtocolVersion = 2;

// What both parties must agree on before any protocol message.
struct ProtocolParameters {
  uint32_t protocol_version = kProtocolVersion;
  // ℓ of the ring Z_{2^ℓ} of secret shares (1..64).
  uint32_t ring_bits = 32;
  // Computational security parameter κ (bits); 128 for this runtime.
  uint32_t security_parameter = 128;
  // Which circuit / model both sides run (model id, circuit hash, ...).
  std::string circuit_id;
};

// The parties disagree on a protocol parameter, or the peer is not speaking
// this protocol. The message names the field and both values, e.g.
// "handshake with 127.0.0.1:5000: ring bits: local 32, peer 16".
class HandshakeError : public ProtocolError {
 public:
  explicit HandshakeError(const std::string& message) : ProtocolError(message) {}
};

// Sends our parameters (with a magic tag), receives the peer's and compares
// them. Symmetric: both parties call it, in any order. Throws HandshakeError
// on a mismatch or a bad magic tag, ChannelError on transport failure.
void handshake(Channel& channel, const ProtocolParameters& parameters);

}  // namespace pinas::crypto
