#pragma once

#include <cstdint>

namespace pinas::spaces {

// The fixed-point scale rules of private inference: how each op changes the
// scale (number of fractional bits) of its output, and where a tensor must be
// truncated back to f first. crypto/pi's compiler (which emits the program)
// and cost_models/ (which counts it from the IR) both apply these rules, so
// their truncation placement cannot diverge. Value type; thread-safe.
//   linear ops (conv, linear, unfolded batch norm)  scale + f
//   degree-2 polynomial                             2·scale + f
//   exact ReLU, max pool                            back to f (truncates for free)
//   Circa ReLU                                      keeps scale
//   average pool over a window of A elements        scale + log2 A when A is a
//                                                   power of two <= 2^f, else scale + f
//   add, concat                                     the largest input scale
// A tensor whose scale plus an op's growth would pass the scale limit is
// truncated to f (by a garbled truncation) before the op.
struct FixedPointRules {
  int fractional_bits = 10;
  int scale_limit = 30;  // the largest scale a tensor may reach (3f by default)
  bool circa = false;    // ReLUs are Circa's stochastic sign (output keeps its scale)

  // Whether a tensor at `scale` must be truncated to f before an op adding `growth`.
  bool must_truncate(int scale, int growth) const { return scale + growth > scale_limit; }
  // What a linear op adds.
  int linear_growth() const { return fractional_bits; }
  // What x -> c2·x² + c1·x + c0 adds to a tensor at `scale` (2·scale + f).
  int polynomial_growth(int scale) const { return scale + fractional_bits; }
  // The truncation a ReLU circuit applies to an input at `scale` (0 for Circa).
  int relu_shift(int scale) const { return circa ? 0 : scale - fractional_bits; }
  // The scale of a ReLU's output for an input at `scale`.
  int relu_output_scale(int scale) const { return circa ? scale : fractional_bits; }

  // Average pooling over `window` elements: growth, and whether the runtime
  // multiplies by round(2^f / window) (growth f) instead of moving the
  // binary point (growth log2 window).
  struct PoolScaling {
    int growth = 0;
    bool multiplies = false;
  };
  PoolScaling pool_scaling(std::uint64_t window) const;
};

}  // namespace pinas::spaces
