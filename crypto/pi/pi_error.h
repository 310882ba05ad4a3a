#pragma once

#include <string>

#include "proto/error.h"

namespace pinas::pi {

// A model that private inference cannot run: an op or attribute outside what
// the fixed-point compiler supports, a missing or mis-shaped parameter
// tensor, a value that does not fit the ring. The message names the node.
class CompileError : public Error {
 public:
  using Error::Error;
};

// A bad request to the private-inference library: an input of the wrong
// size, a parameter outside its range (ring bits, fractional bits).
class UsageError : public Error {
 public:
  using Error::Error;
};

// The peer of a private-inference session broke the session protocol: a
// wrong protocol version or ring size, a malformed program description, a
// message of the wrong length. The message names the field.
class SessionError : public Error {
 public:
  using Error::Error;
};

}  // namespace pinas::pi
