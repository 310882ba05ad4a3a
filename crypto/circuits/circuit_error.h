#pragma once

#include <string>

#include "crypto/primitives/crypto_error.h"

namespace pinas::crypto {

// A boolean circuit is malformed: a Bristol Fashion file with a bad line (the
// message starts with "file:line:"), a gate reading a wire that is not yet
// defined, a wire assigned twice, inputs of the wrong width. Derives from
// CryptoError so a serving loop catches one type for the whole runtime.
class CircuitError : public CryptoError {
 public:
  explicit CircuitError(const std::string& message) : CryptoError(message) {}
};

}  // namespace pinas::crypto
