#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "crypto/pi/detail/ring.h"
#include "crypto/pi/fixed_point_network.h"

namespace pinas::pi::detail {

// The local (plaintext) kernels of the compiled program. The reference
// evaluator runs them on values; the protocol runs the linear ones on each
// party's additive share, which is correct because they are linear maps of
// Z_{2^ℓ}. Outputs are overwritten and reduced mod 2^ℓ. Thread-safe.

// output = W * input (no bias), `output` sized geometry.output.elements().
void convolve(const ConvGeometry& geometry, std::span<const std::uint64_t> weights,
              std::span<const std::uint64_t> input, std::span<std::uint64_t> output,
              const Ring& ring);
// output[o] += bias[channel(o)].
void add_bias(const ConvGeometry& geometry, std::span<const std::uint64_t> bias,
              std::span<std::uint64_t> output, const Ring& ring);
// Window sums (count_include_pad) times the multiplier.
void pool(const PoolStep& step, const spaces::Shape& input_shape, const spaces::Shape& output_shape,
          std::span<const std::uint64_t> input, std::span<std::uint64_t> output, const Ring& ring);
// Sum of inputs[i]·2^shifts[i].
void add(std::span<const std::span<const std::uint64_t>> inputs,
         std::span<const std::uint32_t> shifts, std::span<std::uint64_t> output, const Ring& ring);
// Channel concatenation (inputs[i] are whole C_i x H x W tensors) of inputs[i]·2^shifts[i].
void concatenate(std::span<const std::span<const std::uint64_t>> inputs,
                 std::span<const std::uint32_t> shifts, std::span<std::uint64_t> output,
                 const Ring& ring);

// For each output element of a max pool, the flat indices of the input
// elements in its window (padding excluded), in row-major window order.
std::vector<std::vector<std::uint32_t>> max_pool_windows(const MaxPoolStep& step,
                                                         const spaces::Shape& input_shape,
                                                         const spaces::Shape& output_shape);

// What a garbled step does to one element: nothing (identity, no circuit),
// exact truncation, or ReLU then truncation; in a mixed activation, a replaced
// element is a polynomial (a Beaver-style product) or affine (local).
enum class ElementKind : std::uint8_t { kPass, kTruncate, kRelu, kPolynomial, kAffine };
ElementKind element_kind(const GarbledStep& step, std::size_t index);

// The indices of a mixed activation's elements of `kind` among `elements`.
std::vector<std::uint32_t> elements_of_kind(const GarbledStep& step, std::size_t elements, ElementKind kind);

// A mixed activation's replaced element `index` of value x (plaintext or, with
// c0 = 0, a share's local part): c2·x² + c1·x·2^s + c0·2^(2s) in the ring.
std::uint64_t replaced_element(const GarbledStep& step, std::size_t index, std::uint64_t x, const Ring& ring);

}  // namespace pinas::pi::detail
