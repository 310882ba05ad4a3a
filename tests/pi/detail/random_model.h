#pragma once

#include <cstdint>
#include <vector>

#include "proto/model.pb.h"

namespace pinas::pi::testing {

// Options for random_model().
struct RandomModelOptions {
  bool relu_masks = false;        // give each ReLU a random 0/1 mask (about half ones)
  bool batch_norm_random = true;  // random running statistics and affine parameters
  std::uint64_t seed = 1;
};

// A pb::Model for `architecture` with random weights (scaled by 1/sqrt(fan
// in), so activations stay of order one), seeded and reproducible.
pb::Model random_model(const pb::Architecture& architecture, const RandomModelOptions& options);

// Random pixels in [0, 1] for `model`'s input shape.
std::vector<float> random_pixels(const pb::Model& model, std::uint64_t seed);

// A small hand-made architecture on `channels` x `size` x `size` covering
// conv + batch norm, a residual ADD, average and max pooling, CONCAT,
// separable conv, an unfolded batch norm, a polynomial activation (when
// `polynomial`), global average pooling and a linear classifier.
pb::Architecture mixed_architecture(int channels, int size, bool polynomial);

}  // namespace pinas::pi::testing
