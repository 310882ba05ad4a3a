#pragma once

#include <cstdint>
#include <vector>

#include "crypto/pi/random_model.h"
#include "proto/model.pb.h"

namespace pinas::pi::testing {

using pi::RandomModelOptions;

// Random weights for `architecture` (see pi::random_weight_model).
inline pb::Model random_model(const pb::Architecture& architecture, const RandomModelOptions& options) {
  return random_weight_model(architecture, options);
}

// Random pixels in [0, 1] for `model`'s input shape.
std::vector<float> random_pixels(const pb::Model& model, std::uint64_t seed);

// A small hand-made architecture on `channels` x `size` x `size` covering
// conv + batch norm, a residual ADD, average and max pooling, CONCAT,
// separable conv, an unfolded batch norm, a polynomial activation (when
// `polynomial`), global average pooling and a linear classifier.
pb::Architecture mixed_architecture(int channels, int size, bool polynomial);

}  // namespace pinas::pi::testing
