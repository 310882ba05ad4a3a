#pragma once

#include <cstdint>

#include "proto/model.pb.h"

namespace pinas::pi {

// Options for random_weight_model().
struct RandomModelOptions {
  bool relu_masks = false;        // give each ReLU a random 0/1 mask (about half ones), as a tensor
  // Give each ReLU a mixed activation in the IR (relu_mask and replacement):
  // about a third ReLUs, the rest replaced by a quadratic, an affine map or the
  // identity, by channel. Takes precedence over relu_masks.
  bool mixed_activations = false;
  bool batch_norm_random = true;  // random running statistics and affine parameters
  std::uint64_t seed = 1;
};

// A pb::Model for `architecture` with random weights (uniform, scaled by
// 1/sqrt(fan in) so activations stay of order one), seeded and reproducible:
// for tests and benchmarks of private inference (`pinas pi random-model`).
// Throws spaces::GraphError for an invalid architecture. Thread-safe.
pb::Model random_weight_model(const pb::Architecture& architecture, const RandomModelOptions& options);

}  // namespace pinas::pi
