#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "search_spaces/architecture.h"
#include "search_spaces/cost_report.h"
#include "search_spaces/fixed_point_rules.h"

namespace pinas::cost {

// How linear layers are preprocessed offline (crypto/pi's LinearBackend).
enum class LinearBackend { kOt, kHe };

// The public parameters of the fixed-point protocol that decide how much
// work each layer is (they mirror crypto/pi's FixedPointConfig, which this
// module does not depend on; the defaults are the same).
struct ProtocolParameters {
  int ring_bits = 48;        // ℓ (FixedPointConfig's default)
  int fractional_bits = 10;  // f (FixedPointConfig's default)
  int weight_bits = 0;       // bits per weight when weights are bit-decomposed; 0: f + 8
  int scale_limit = 0;       // the largest scale a tensor may reach; 0: 3f
  // Circa's stochastic ReLU: its output keeps the input's scale (no
  // truncation), as the runtime compiles it.
  bool circa = false;
  int circa_dropped_bits = 12;                        // Circa's k (FixedPointConfig's default)
  LinearBackend linear_backend = LinearBackend::kHe;  // the runtime's default

  int effective_weight_bits() const { return weight_bits == 0 ? fractional_bits + 8 : weight_bits; }
  int effective_scale_limit() const { return scale_limit == 0 ? 3 * fractional_bits : scale_limit; }
  spaces::FixedPointRules rules() const {
    return {fractional_bits, effective_scale_limit(), circa};
  }
  // Throws pinas::Error naming the field when out of range.
  void validate() const;
};

// One batch of identical garbled circuits, as the runtime runs it (crypto/pi
// detail/garbled_batches.h): `copies` circuits of `kind`, each reading
// `window` ring elements (max pool) and truncating `shift` bits.
struct GarbledBatchFeatures {
  enum class Kind { kRelu, kTruncation, kMaxPool, kCirca };
  Kind kind = Kind::kRelu;
  std::int64_t copies = 0;
  int window = 1;
  int shift = 0;
};

// One step of the runtime's program that talks online: garbled batches and
// Beaver-style products (polynomial elements), in program order.
struct InteractiveStep {
  std::vector<GarbledBatchFeatures> batches;
  std::int64_t polynomial_elements = 0;
  bool polynomial_step = false;  // a POLYNOMIAL node (own round), not a mixed activation
};

// One linear step as the runtime emits it (a conv with its batch norm folded
// in, a linear layer on the flattened input, each half of a separable conv,
// an unfolded batch norm as a depthwise 1x1).
struct LinearLayerGeometry {
  spaces::Shape input, output;
  int kernel = 1, stride = 1, padding = 0, dilation = 1, groups = 1;
  std::int64_t weights() const;  // out·(in/groups)·k²
  std::int64_t macs() const;     // outputs·(in/groups)·k², padding included
};

// What one IR node asks of the two-party protocol, counted from the
// architecture alone. Private-inference cost is linear in these:
//   relus                    elements through a garbled ReLU
//   truncations              elements rescaled by a garbled truncation: a
//                            tensor whose fixed-point scale would pass the
//                            limit is truncated back to f first (scales
//                            follow search_spaces/fixed_point_rules.h, the
//                            rules the compiler applies)
//   comparisons              garbled comparisons of a max pool (window - 1
//                            per output; windows at padded borders are smaller)
//   polynomial_elements      elements through a polynomial (Beaver triples)
//   linear_macs              multiply-accumulates of linear ops (CONV,
//                            SEPARABLE_CONV, LINEAR, a BATCH_NORM that does
//                            not fold into its producer)
//   linear_ots               OTs of Gilboa-style preprocessing, which
//                            bit-decomposes whichever side is cheaper: the
//                            input (ℓ OTs per element) or the weights
//                            (weight_bits OTs per weight)
//   linear_correction_bytes  the correction vectors those OTs carry: per MAC,
//                            sum over decomposed bits j of (ℓ - j) bits
//   linear_inputs            elements of the inputs of linear ops
// and, for exact traffic, the steps and linear layers the runtime runs.
struct LayerFeatures {
  spaces::NodeId node = 0;
  std::string name;
  spaces::OpType op = spaces::OpType::Unknown;
  std::int64_t relus = 0;
  std::int64_t truncations = 0;
  std::int64_t comparisons = 0;
  std::int64_t polynomial_elements = 0;
  std::int64_t linear_macs = 0;
  std::int64_t linear_ots = 0;
  std::int64_t linear_correction_bytes = 0;
  std::int64_t linear_inputs = 0;
  std::vector<InteractiveStep> steps;
  std::vector<LinearLayerGeometry> linear_layers;

  // True when the node costs nothing privately (identity, add, concat, ...).
  bool is_free() const;
  // True when the node needs an interactive round online.
  bool is_interactive() const {
    return relus + truncations + comparisons + polynomial_elements > 0;
  }
};

// The per-node features of `architecture`, in topological order, given its
// accounting `report` (from spaces::analyze). Throws pinas::Error for
// invalid parameters. Thread-safe.
std::vector<LayerFeatures> extract_features(const spaces::Architecture& architecture,
                                            const spaces::CostReport& report,
                                            const ProtocolParameters& parameters);

// Sums of every count over `layers` (name "total", op Unknown, no steps).
LayerFeatures sum_features(const std::vector<LayerFeatures>& layers);

}  // namespace pinas::cost
