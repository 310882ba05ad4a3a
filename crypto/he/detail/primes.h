#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace pinas::he::detail {

// Deterministic Miller-Rabin for 64-bit integers (the first twelve prime
// bases suffice below 3.3·10^24). Thread-safe.
bool is_prime(std::uint64_t n);

// The `count` largest primes p < 2^bits with p ≡ 1 (mod 2·degree), in
// decreasing order: the NTT-friendly primes of a negacyclic ring of that
// degree. Requires bits in [20, 61], degree a power of two. Throws HeError
// when there are not enough. Thread-safe.
std::vector<std::uint64_t> ntt_primes(std::size_t count, int bits, std::size_t degree);

// The smallest primitive (2·degree)-th root of unity modulo prime p (ψ with
// ψ^degree = -1), found deterministically. Requires p ≡ 1 (mod 2·degree).
// Throws HeError otherwise.
std::uint64_t primitive_root_of_unity(std::uint64_t p, std::size_t degree);

}  // namespace pinas::he::detail
