#pragma once

#include <cstddef>
#include <cstdint>

#include "crypto/primitives/block.h"

namespace pinas::crypto {

// Cryptographic randomness straight from the kernel via getrandom(2) (blocks
// only until the pool is initialised at boot; retries on EINTR and short
// reads). Throws RandomnessError if the system call fails. Thread-safe.
void os_random_bytes(void* out, size_t count);

// A uniformly random Block from getrandom(2). Throws RandomnessError.
Block os_random_block();

// A uniformly random 64-bit integer from getrandom(2). Throws RandomnessError.
uint64_t os_random_uint64();

}  // namespace pinas::crypto
