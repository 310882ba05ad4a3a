#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace pinas::train::data::detail {

// SplitMix64: tiny, fast, and fully specified, so shuffles, splits and
// augmentation draws are identical on every platform and standard library
// (std::uniform_int_distribution is not). Not for cryptography.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}

  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  // Uniform in 0..bound-1 (bound ≥ 1), by rejection so there is no modulo bias.
  uint64_t below(uint64_t bound) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t value = next();
    while (value >= limit) value = next();
    return value % bound;
  }

 private:
  uint64_t state_;
};

// Derives an independent stream seed from several values (seed, epoch, index…).
inline uint64_t mix_seed(uint64_t a, uint64_t b, uint64_t c = 0) {
  SplitMix64 generator(a ^ 0x5851F42D4C957F2DULL);
  uint64_t value = generator.next() ^ b;
  SplitMix64 second(value);
  value = second.next() ^ c;
  SplitMix64 third(value);
  return third.next();
}

// A uniform permutation of 0..size-1 (Fisher–Yates).
inline std::vector<size_t> seeded_permutation(size_t size, uint64_t seed) {
  std::vector<size_t> order(size);
  for (size_t i = 0; i < size; ++i) order[i] = i;
  SplitMix64 generator(seed);
  for (size_t i = size; i > 1; --i) {
    const size_t j = static_cast<size_t>(generator.below(i));
    std::swap(order[i - 1], order[j]);
  }
  return order;
}

}  // namespace pinas::train::data::detail
