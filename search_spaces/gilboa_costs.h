#pragma once

#include <cstdint>

namespace pinas::spaces {

// What a Gilboa product over correlated OT sends, for either side that may be
// bit-decomposed (see crypto/pi/detail/product_plans.h):
//   input side:  ℓ OTs per input element; each use of an element carries
//                Σ_{j<ℓ} (ℓ - j) = ℓ(ℓ+1)/2 correction bits;
//   weight side: b OTs per weight (b = weight bits); each use carries
//                Σ_{j<b} (ℓ - j) = b·ℓ - b(b-1)/2 correction bits.
// The estimate counts 16 bytes per OT (an IKNP row) plus the correction bits
// / 8; the runtime bit-decomposes the side with the smaller estimate (the
// weight side on ties), and crypto/pi and the cost model both decide with
// this function. Exact traffic (IKNP padding, word-aligned chunks) is in
// cost_models/. Value type; thread-safe.
struct GilboaCosts {
  std::uint64_t input_ots = 0, weight_ots = 0;
  std::uint64_t input_bytes = 0, weight_bytes = 0;
  // Correction bits per use of a decomposed element.
  std::uint64_t input_bits_per_use = 0, weight_bits_per_use = 0;
  bool weight_side_cheaper() const { return weight_bytes <= input_bytes; }
};

// Requires ring_bits in 1..64, weight_bits in 1..ring_bits and non-negative
// counts (a layer of `inputs` input elements, `weights` weights and `macs`
// multiply-accumulates). Thread-safe.
GilboaCosts gilboa_costs(std::uint64_t inputs, std::uint64_t weights, std::uint64_t macs,
                         std::uint64_t ring_bits, std::uint64_t weight_bits);

}  // namespace pinas::spaces
