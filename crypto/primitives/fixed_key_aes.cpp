#include "crypto/primitives/fixed_key_aes.h"

namespace pinas::crypto {

Block FixedKeyAes::key() {
  // The first 128 bits of the fractional part of pi (a nothing-up-my-sleeve
  // constant): 243F6A88 85A308D3 13198A2E 03707344.
  return Block::from_uint64(0x243F6A8885A308D3ULL, 0x13198A2E03707344ULL);
}

const Aes& FixedKeyAes::instance() {
  static const Aes aes(key());
  return aes;
}

}  // namespace pinas::crypto
