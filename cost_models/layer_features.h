#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "search_spaces/architecture.h"
#include "search_spaces/cost_report.h"

namespace pinas::cost {

// The public parameters of the fixed-point protocol that decide how much
// work each layer is (they mirror crypto/pi's FixedPointConfig, which this
// module does not depend on).
struct ProtocolParameters {
  int ring_bits = 48;        // ℓ (FixedPointConfig's default)
  int fractional_bits = 10;  // f (FixedPointConfig's default)
  int weight_bits = 0;       // bits per weight when weights are bit-decomposed; 0: f + 8
  int scale_limit = 0;       // the largest scale a tensor may reach; 0: 3f
  // Circa's stochastic ReLU: its output keeps the input's scale (no
  // truncation), as the runtime compiles it.
  bool circa = false;

  int effective_weight_bits() const { return weight_bits == 0 ? fractional_bits + 8 : weight_bits; }
  int effective_scale_limit() const { return scale_limit == 0 ? 3 * fractional_bits : scale_limit; }
  // Throws pinas::Error naming the field when out of range.
  void validate() const;
};

// What one IR node asks of the two-party protocol, counted from the
// architecture alone. Private-inference cost is linear in these:
//   relus                    elements through a garbled ReLU
//   truncations              elements rescaled by a garbled truncation: a
//                            tensor whose fixed-point scale would pass the
//                            limit is truncated back to f first (scales are
//                            tracked as the runtime does: linear ops add f,
//                            ReLU and max pool return to f, add and concat
//                            take the largest input scale)
//   comparisons              garbled comparisons of a max pool (k*k - 1 per output)
//   polynomial_elements      elements through a polynomial (Beaver triples)
//   linear_macs              multiply-accumulates of linear ops (CONV,
//                            SEPARABLE_CONV, LINEAR, a BATCH_NORM that does
//                            not fold into a conv)
//   linear_ots               OTs of Gilboa-style preprocessing, which
//                            bit-decomposes whichever side is cheaper: the
//                            input (ℓ OTs per element) or the weights
//                            (weight_bits OTs per weight)
//   linear_correction_bytes  the correction vectors those OTs carry: per MAC,
//                            sum over decomposed bits j of (ℓ - j) bits
//   linear_inputs            elements of the inputs of linear ops
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

  // True when the node costs nothing privately (identity, add, concat, ...).
  bool is_free() const;
  // True when the node needs an interactive round online.
  bool is_interactive() const { return relus + truncations + comparisons + polynomial_elements > 0; }
};

// The per-node features of `architecture`, in topological order, given its
// accounting `report` (from spaces::analyze). Throws pinas::Error for
// invalid parameters. Thread-safe.
std::vector<LayerFeatures> extract_features(const spaces::Architecture& architecture,
                                            const spaces::CostReport& report,
                                            const ProtocolParameters& parameters);

// Sums of every field over `layers` (name "total", op Unknown).
LayerFeatures sum_features(const std::vector<LayerFeatures>& layers);

}  // namespace pinas::cost
