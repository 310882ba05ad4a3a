#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "crypto/pi/fixed_point_network.h"

namespace pinas::pi {

// The plaintext fixed-point reference: runs `network` on the encoded input
// (FixedPointNetwork::quantize_input) with the exact integer semantics of the
// two-party protocol, and returns every tensor's values (indexed like
// network.tensors()). ReLUs are exact even when the network's relu_mode is
// Circa (Circa's result may differ from it, only where |x| < 2^k). Requires
// a network compiled with weights (not structure_only). Throws UsageError on
// a wrong input size. Thread-safe.
std::vector<std::vector<std::uint64_t>> evaluate_fixed_point_tensors(
    const FixedPointNetwork& network, std::span<const std::uint64_t> input);

// The same, but ReLUs of a Circa network follow Circa's stochastic sign test
// exactly as the garbled circuit computes it (crypto::circa_sign_circuit):
// for each element a uniformly random garbler share a (from a PRG seeded
// with `seed`), b = x - a, sign = NOT msb(⌊a/2^k⌋ + ⌊b/2^k⌋ mod 2^(ℓ-k)).
// For measuring Circa's accuracy impact without running the protocol on
// every test image. Thread-safe.
std::vector<std::vector<std::uint64_t>> simulate_circa_tensors(const FixedPointNetwork& network,
                                                               std::span<const std::uint64_t> input,
                                                               std::uint64_t seed);

// The integer logits (ring elements) of evaluate_fixed_point_tensors.
std::vector<std::uint64_t> evaluate_fixed_point(const FixedPointNetwork& network,
                                                std::span<const std::uint64_t> input);

// The largest |x| over `values` read as two's-complement elements of
// Z_{2^ring_bits} (what the protocol's comparisons read them as); 2^(ℓ-1)
// for the most negative element. Measures a tensor's ring headroom.
// Thread-safe.
std::uint64_t largest_magnitude(std::uint32_t ring_bits, std::span<const std::uint64_t> values);

// Convenience for `pinas eval --fixed-point`: compiles nothing, quantizes
// `pixels` (C x H x W floats in [0, 1]) and returns the dequantized logits.
std::vector<double> evaluate_fixed_point(const FixedPointNetwork& network,
                                         std::span<const float> pixels);

}  // namespace pinas::pi
