#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "crypto/pi/fixed_point_config.h"
#include "proto/model.pb.h"
#include "search_spaces/node.h"

namespace pinas::pi {

// A tensor of the compiled network: its shape (C x H x W, row-major) and its
// scale (number of fractional bits of the fixed-point encoding).
struct TensorInfo {
  spaces::Shape shape;
  std::uint32_t scale = 0;
};

// The shape of a convolution, which also describes linear layers (a 1x1
// convolution on a C·H·W x 1 x 1 input), depthwise convolutions and
// batch-norm layers that could not be folded (1x1, groups = channels).
struct ConvGeometry {
  spaces::Shape input;
  spaces::Shape output;
  std::int32_t kernel = 1;
  std::int32_t stride = 1;
  std::int32_t padding = 0;
  std::int32_t dilation = 1;
  std::int32_t groups = 1;

  std::int64_t input_channels_per_group() const { return input.channels / groups; }
  std::int64_t output_channels_per_group() const { return output.channels / groups; }
  // out·(in/groups)·k·k.
  std::int64_t weight_count() const;
  // Multiply-accumulates, padding included.
  std::int64_t macs() const;
  bool operator==(const ConvGeometry&) const = default;
};

// A convolution or linear layer with the server's private weights (folded
// batch norm included). out = W * in + bias, in the ring. Weights have scale
// f; the bias has the output's scale. The client's copy of the network has
// the geometry only (empty weights and bias).
struct LinearStep {
  ConvGeometry geometry;
  std::vector<std::uint64_t> weights;  // [out, in/groups, k, k]
  std::vector<std::uint64_t> bias;     // [out]; empty when there is none
};

// Average pooling (count_include_pad) or global average pooling, a public
// linear map computed locally on shares: the window sum times `multiplier`.
// When the window area is a power of two the division is folded into the
// scale (multiplier 1, scale + log2(area)); otherwise multiplier =
// round(2^f / area) and the scale grows by f.
struct PoolStep {
  std::int32_t kernel_height = 1;
  std::int32_t kernel_width = 1;
  std::int32_t stride = 1;
  std::int32_t padding = 0;
  std::uint64_t multiplier = 1;
};

// Element-wise sum; input i is first multiplied by 2^shifts[i] to align scales.
struct AddStep {
  std::vector<std::uint32_t> shifts;
};

// Channel concatenation; input i is first multiplied by 2^shifts[i].
struct ConcatStep {
  std::vector<std::uint32_t> shifts;
};

// All zeros of the output's shape (the ZERO op).
struct ZeroStep {};

// The same values under a new shape (FLATTEN, or a LINEAR layer's input).
struct ReshapeStep {};

// A garbled layer: per element, ReLU (mask 1) or identity (mask 0), then
// exact truncation by 2^shift. An empty mask means every element is a ReLU.
// Elements with mask 0 and shift 0 skip the circuit.
//
// A mixed activation (a RELU whose replaced elements have a replacement
// polynomial, AutoReP-style) fills the replacement fields. Its output has scale
// 2s + f for input scale s: a mask-1 element is ReLU'd and truncated by 2^shift
// in the circuit, then multiplied by 2^lift; a mask-0 element of channel c
// becomes c2[c]·x² + c1[c]·x·2^s + c0[c]·2^(2s) (coefficients at scale f), by a
// Beaver-style product when quadratic[c] and locally otherwise. The products
// travel in the same round as the garbled circuit's labels.
struct GarbledStep {
  std::vector<std::uint8_t> mask;
  std::uint32_t shift = 0;
  bool circa = false;  // ReLUs use Circa's stochastic sign (see ReluMode)
  std::vector<std::uint64_t> c0, c1, c2;  // per channel; empty: no replacement
  // Per channel: 1 when the IR's x² coefficient is nonzero (a product, even if
  // it quantizes to 0), so the program, the IR's accounting and the cost model
  // agree on which elements are polynomial.
  std::vector<std::uint8_t> quadratic;
  std::uint32_t input_scale = 0;
  std::uint32_t lift = 0;
  std::int64_t plane = 1;  // H·W of the input, to find an element's channel

  bool mixed() const { return !c2.empty(); }
  std::size_t channel_of(std::size_t index) const { return index / static_cast<std::size_t>(plane); }
};

// Max pooling in the garbled circuit (PyTorch semantics: padded positions
// never win), then exact truncation by 2^shift.
struct MaxPoolStep {
  std::int32_t kernel = 1;
  std::int32_t stride = 1;
  std::int32_t padding = 0;
  std::uint32_t shift = 0;
};

// c2·x² + c1·x + c0 element-wise. Coefficients are public (part of the
// architecture) and quantized at scale f; with input scale s the output has
// scale 2s + f: y = c2·x² + c1·x·2^s + c0·2^(2s).
struct PolynomialStep {
  std::uint64_t c0 = 0, c1 = 0, c2 = 0;
  std::uint32_t input_scale = 0;
};

using StepOp = std::variant<LinearStep, PoolStep, AddStep, ConcatStep, ZeroStep, ReshapeStep,
                            GarbledStep, MaxPoolStep, PolynomialStep>;

// One step of the program: reads tensors `inputs`, writes tensor `output`.
struct Step {
  std::string node;  // the IR node it comes from (for messages and reports)
  std::vector<std::uint32_t> inputs;
  std::uint32_t output = 0;
  StepOp op;
};

// A model compiled to fixed point: a straight-line program over tensors in
// Z_{2^ring_bits}, with batch norm folded into the preceding convolution and
// every truncation explicit. Both the plaintext reference
// (evaluate_fixed_point) and the two-party protocol run exactly this program,
// which is why they agree bit for bit.
//
// Thread-safety: immutable after compile(); share freely.
class FixedPointNetwork {
 public:
  // Compiles `model` under `config`. With `structure_only` the parameter
  // tensors of convolutions, linear layers and batch norms may be absent
  // (the client compiles the public description this way; weights are left
  // empty). Throws UsageError for a bad config, CompileError naming the node
  // for an unsupported op or attribute, a missing or mis-shaped tensor, a
  // weight outside weight_bits, and spaces::GraphError for an invalid graph.
  static FixedPointNetwork compile(const pb::Model& model, const FixedPointConfig& config,
                                   bool structure_only = false);

  // What the client may know: the architecture, ReLU masks, polynomial
  // coefficients, input normalization, class names; no weights.
  static pb::Model public_description(const pb::Model& model);

  const FixedPointConfig& config() const { return config_; }
  const std::vector<TensorInfo>& tensors() const { return tensors_; }
  const std::vector<Step>& steps() const { return steps_; }
  std::uint32_t input_tensor() const { return input_tensor_; }
  std::uint32_t output_tensor() const { return output_tensor_; }
  const TensorInfo& input_info() const { return tensors_.at(input_tensor_); }
  const TensorInfo& output_info() const { return tensors_.at(output_tensor_); }
  const std::vector<std::string>& class_names() const { return class_names_; }

  // Normalizes `pixels` (C x H x W floats, already scaled to [0, 1]) with the
  // model's input normalization and encodes them at scale f. Throws
  // UsageError when the size differs from the input shape.
  std::vector<std::uint64_t> quantize_input(std::span<const float> pixels) const;
  // The logits as real numbers (ring values read as signed, / 2^scale).
  std::vector<double> dequantize_output(std::span<const std::uint64_t> logits) const;

  // A digest of the public structure (steps, shapes, scales, masks,
  // coefficients, config): both parties compare it in the session handshake.
  std::string structure_digest() const;

  // Counts for reports: elements through garbled ReLU / truncation / max-pool
  // circuits, polynomial elements, and multiply-accumulates of linear steps.
  std::int64_t relu_count() const;
  std::int64_t truncation_count() const;
  // Elements through a Beaver-style product: POLYNOMIAL steps and the
  // quadratic replaced elements of mixed activations.
  std::int64_t polynomial_element_count() const;
  std::int64_t linear_macs() const;

 private:
  friend class NetworkCompiler;
  FixedPointConfig config_;
  std::vector<TensorInfo> tensors_;
  std::vector<Step> steps_;
  std::uint32_t input_tensor_ = 0;
  std::uint32_t output_tensor_ = 0;
  std::vector<float> input_mean_;
  std::vector<float> input_std_;
  std::vector<std::string> class_names_;
};

}  // namespace pinas::pi
