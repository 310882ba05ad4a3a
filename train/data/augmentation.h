#pragma once

#include <cstdint>
#include <span>

#include "train/data/normalization.h"

namespace pinas::train::data {

// Training-time augmentation; all off by default (evaluation).
struct AugmentationOptions {
  int64_t crop_padding = 0;      // random H×W crop of the image zero-padded by this on each side
  bool horizontal_flip = false;  // mirror left-right with probability 1/2
  int64_t cutout_size = 0;       // zero (after normalization) a square of this side whose
                                 // centre is uniform over the image, clipped at the border
  bool enabled() const { return crop_padding > 0 || horizontal_flip || cutout_size > 0; }
};

// Turns one uint8 C×H×W image into normalized float32 C×H×W, applying the
// augmentation drawn from (seed, epoch, sample_index) only: the result for a
// given sample never depends on batch composition, order or thread count.
// Order: crop (zero pixel padding) → flip → normalize → cutout.
// Thread-safety: immutable after construction; apply() may run concurrently.
class ImageTransform {
 public:
  // Throws DatasetError if the shape is not positive, the normalization does not
  // match `channels`, or an augmentation size is negative.
  ImageTransform(int64_t channels, int64_t height, int64_t width, Normalization normalization,
                 AugmentationOptions augmentation, uint64_t seed);

  // Requires image.size() == C×H×W and `output` to hold C×H×W floats.
  void apply(std::span<const uint8_t> image, uint64_t epoch, uint64_t sample_index,
             float* output) const;

  const Normalization& normalization() const { return normalization_; }
  const AugmentationOptions& augmentation() const { return augmentation_; }

 private:
  int64_t channels_;
  int64_t height_;
  int64_t width_;
  Normalization normalization_;
  AugmentationOptions augmentation_;
  uint64_t seed_;
  std::vector<float> scale_;   // per channel: 1 / (255 · std)
  std::vector<float> offset_;  // per channel: -mean / std
};

}  // namespace pinas::train::data
