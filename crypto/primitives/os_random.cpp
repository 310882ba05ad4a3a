#include "crypto/primitives/os_random.h"

#include <sys/random.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "crypto/primitives/crypto_error.h"

namespace pinas::crypto {

void os_random_bytes(void* out, size_t count) {
  auto* bytes = static_cast<uint8_t*>(out);
  while (count > 0) {
    ssize_t got = ::getrandom(bytes, count, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw RandomnessError(std::string("getrandom failed: ") + std::strerror(errno));
    }
    bytes += got;
    count -= static_cast<size_t>(got);
  }
}

Block os_random_block() {
  uint8_t bytes[16];
  os_random_bytes(bytes, sizeof(bytes));
  return Block::load(bytes);
}

uint64_t os_random_uint64() {
  uint64_t value = 0;
  os_random_bytes(&value, sizeof(value));
  return value;
}

}  // namespace pinas::crypto
