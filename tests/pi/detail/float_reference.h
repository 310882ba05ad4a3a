#pragma once

#include <vector>

#include "proto/model.pb.h"

namespace pinas::pi::testing {

// A straightforward double-precision forward pass of `model` straight from
// the IR (no batch-norm folding, no fixed point), independent of the
// compiler: the float reference the fixed-point logits are compared with.
std::vector<double> evaluate_float(const pb::Model& model, const std::vector<float>& pixels);

}  // namespace pinas::pi::testing
