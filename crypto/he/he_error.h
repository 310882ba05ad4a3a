#pragma once

#include <string>

#include "proto/error.h"

namespace pinas::he {

// Base of every exception the homomorphic-encryption core throws: a
// parameter set outside the HomomorphicEncryption.org 128-bit table, a layer
// whose noise bound exceeds the budget, a malformed ciphertext from a peer,
// a geometry the packing cannot place. Messages name the parameter, layer or
// field at fault.
class HeError : public pinas::Error {
 public:
  explicit HeError(const std::string& message) : pinas::Error(message) {}
};

}  // namespace pinas::he
