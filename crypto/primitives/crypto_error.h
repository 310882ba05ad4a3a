#pragma once

#include <string>

#include "proto/error.h"

namespace pinas::crypto {

// Base of every exception thrown by the crypto runtime (net/, primitives/,
// ot/, gc/, circuits/), so a serving loop can catch one type per connection.
class CryptoError : public pinas::Error {
 public:
  explicit CryptoError(const std::string& message) : pinas::Error(message) {}
};

// The peer broke the protocol (an invalid curve point, a parameter mismatch,
// an impossible message), or the caller broke a precondition (mismatched
// buffer sizes, an OT extension used before setup). Messages name the field.
class ProtocolError : public CryptoError {
 public:
  explicit ProtocolError(const std::string& message) : CryptoError(message) {}
};

// The transport failed: the peer disconnected, timed out, sent a truncated
// frame or a frame whose length prefix exceeds the cap. Messages name the
// peer address.
class ChannelError : public CryptoError {
 public:
  explicit ChannelError(const std::string& message) : CryptoError(message) {}
};

// The operating system could not provide randomness (getrandom failed).
class RandomnessError : public CryptoError {
 public:
  explicit RandomnessError(const std::string& message) : CryptoError(message) {}
};

}  // namespace pinas::crypto
