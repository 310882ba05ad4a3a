#pragma once

#include "crypto/primitives/aes.h"

namespace pinas::crypto {

// The process-wide AES-128 instance under a fixed, public key, used as the
// random permutation π of fixed-key garbling (Bellare–Hoang–Keelveedhi–Rogaway)
// and of CorrelationRobustHash. The key is a public constant written in
// fixed_key_aes.cpp; both parties must use the same one. Thread-safe (the key
// schedule is built once, on first use, under C++11 static initialisation).
class FixedKeyAes {
 public:
  // The shared instance.
  static const Aes& instance();
  // The public key (the digits of pi's fractional part, 128 bits).
  static Block key();
};

}  // namespace pinas::crypto
