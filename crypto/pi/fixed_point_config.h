#pragma once

#include <cstdint>
#include <string>

namespace pinas::pi {

// How ReLUs are computed. Exact: the garbled circuit reconstructs x, applies
// ReLU and truncates exactly. Circa: Circa's stochastic ReLU (a garbled sign
// test on shares with the low `circa_dropped_bits` bits dropped, then
// x·sign(x) by two oblivious transfers), which may get the sign wrong only
// where |x| < 2^circa_dropped_bits.
enum class ReluMode { kExact, kCirca };

// How the offline phase computes shares of linear layers (public; the
// server's choice, sent to the client in the session hello). kHe: RLWE with
// Cheetah-style packing (HeLinearPreprocessing), bytes proportional to
// activations; kOt: Gilboa products on correlated OT (CotLinearPreprocessing),
// bytes proportional to MACs, kept for comparison.
enum class LinearBackend { kOt, kHe };

// The public parameters of the fixed-point encoding; both parties must agree
// on them (the session handshake checks). Values live in Z_{2^ring_bits};
// activations and weights carry `fractional_bits` fractional bits.
//
// Scales. Every tensor carries a scale s (its number of fractional bits). A
// convolution or linear layer multiplies by weights of scale f, so its output
// has scale s + f; nothing is truncated there. Garbled layers (ReLU, max
// pool, truncation) bring the scale back to f exactly (floor division by
// 2^(s-f) inside the circuit). Before an op would push a scale past
// `scale_limit`, its input is truncated to f with the truncation circuit.
//
// Defaults, chosen by measurement (experiments/fixed_point_sweep/): on the
// trained Fashion-MNIST model every ℓ in {32, 40, 48, 64} with f in {8, 10,
// 12} stays within 0.3 points of float on all 10,000 test images, and f = 6
// does not (0.32). Accuracy does not bound ℓ; overflow does, and it wraps
// silently: at ℓ = 40 random-weight NAS-Bench-201 cells with chained average
// pools already wrap. ℓ = 48, f = 10 keeps 4 bits of precision margin over
// f = 6 and 15 bits of ring headroom on the trained model, for 67% of the
// offline bytes, 75% of the online bytes and 74% of the AND gates per ReLU
// of ℓ = 64, f = 12. `pinas eval MODEL --fixed-point` reports a model's
// headroom and where it is least; pick ℓ from it.
struct FixedPointConfig {
  std::uint32_t ring_bits = 48;        // ℓ, 16..64
  std::uint32_t fractional_bits = 10;  // f, 1..ring_bits/3
  // The largest scale any tensor may reach; 0 means 3·f.
  std::uint32_t scale_limit = 0;
  // Weights are bit-decomposed in `weight_bits` bits (two's complement) when
  // the server's side is the cheaper one to decompose in the linear-layer
  // preprocessing; a weight outside [-2^(weight_bits-1), 2^(weight_bits-1))
  // makes compilation fail. 0 means fractional_bits + 8. Public.
  std::uint32_t weight_bits = 0;
  ReluMode relu_mode = ReluMode::kExact;
  std::uint32_t circa_dropped_bits = 12;  // k of Circa's truncated sign test
  LinearBackend linear_backend = LinearBackend::kHe;

  std::uint32_t effective_scale_limit() const {
    return scale_limit == 0 ? 3 * fractional_bits : scale_limit;
  }
  std::uint32_t effective_weight_bits() const {
    return weight_bits == 0 ? fractional_bits + 8 : weight_bits;
  }

  // Throws UsageError naming the field when a value is out of range.
  void validate() const;
  // "ring=64 f=12 limit=36 weights=20 relu=exact linear=he".
  std::string to_string() const;
  bool operator==(const FixedPointConfig&) const = default;
};

}  // namespace pinas::pi
