#include "train/data/augmentation.h"

#include <algorithm>

#include "train/data/dataset_error.h"
#include "train/data/detail/random.h"

namespace pinas::train::data {

ImageTransform::ImageTransform(int64_t channels, int64_t height, int64_t width,
                               Normalization normalization, AugmentationOptions augmentation,
                               uint64_t seed)
    : channels_(channels),
      height_(height),
      width_(width),
      normalization_(std::move(normalization)),
      augmentation_(augmentation),
      seed_(seed) {
  if (channels <= 0 || height <= 0 || width <= 0) {
    throw DatasetError("image transform: non-positive image shape " + std::to_string(channels) +
                       "x" + std::to_string(height) + "x" + std::to_string(width));
  }
  normalization_.check(channels);
  if (augmentation.crop_padding < 0 || augmentation.cutout_size < 0) {
    throw DatasetError("image transform: negative crop padding or cutout size");
  }
  for (int64_t c = 0; c < channels; ++c) {
    scale_.push_back(1.0f / (255.0f * normalization_.std[c]));
    offset_.push_back(-normalization_.mean[c] / normalization_.std[c]);
  }
}

void ImageTransform::apply(std::span<const uint8_t> image, uint64_t epoch, uint64_t sample_index,
                           float* output) const {
  const int64_t plane = height_ * width_;
  // Draws always happen in the same order (crop y, crop x, flip, cutout y,
  // cutout x), each only if its augmentation is on.
  detail::SplitMix64 random(detail::mix_seed(seed_, epoch, sample_index));
  int64_t shift_y = 0;
  int64_t shift_x = 0;
  if (augmentation_.crop_padding > 0) {
    const uint64_t span = static_cast<uint64_t>(2 * augmentation_.crop_padding + 1);
    shift_y = static_cast<int64_t>(random.below(span)) - augmentation_.crop_padding;
    shift_x = static_cast<int64_t>(random.below(span)) - augmentation_.crop_padding;
  }
  const bool flip = augmentation_.horizontal_flip && random.below(2) == 1;
  for (int64_t c = 0; c < channels_; ++c) {
    const uint8_t* source = image.data() + c * plane;
    float* target = output + c * plane;
    const float scale = scale_[c];
    const float offset = offset_[c];
    for (int64_t y = 0; y < height_; ++y) {
      const int64_t source_y = y + shift_y;
      float* row = target + y * width_;
      if (source_y < 0 || source_y >= height_) {
        std::fill(row, row + width_, offset);  // padding pixel 0
        continue;
      }
      const uint8_t* source_row = source + source_y * width_;
      for (int64_t x = 0; x < width_; ++x) {
        const int64_t source_x = (flip ? width_ - 1 - x : x) + shift_x;
        row[x] =
            source_x >= 0 && source_x < width_ ? source_row[source_x] * scale + offset : offset;
      }
    }
  }
  if (augmentation_.cutout_size > 0) {
    const int64_t centre_y = static_cast<int64_t>(random.below(static_cast<uint64_t>(height_)));
    const int64_t centre_x = static_cast<int64_t>(random.below(static_cast<uint64_t>(width_)));
    const int64_t half = augmentation_.cutout_size / 2;
    const int64_t top = std::max<int64_t>(0, centre_y - half);
    const int64_t bottom = std::min(height_, centre_y - half + augmentation_.cutout_size);
    const int64_t left = std::max<int64_t>(0, centre_x - half);
    const int64_t right = std::min(width_, centre_x - half + augmentation_.cutout_size);
    for (int64_t c = 0; c < channels_; ++c) {
      for (int64_t y = top; y < bottom; ++y) {
        float* row = output + c * plane + y * width_;
        std::fill(row + left, row + right, 0.0f);
      }
    }
  }
}

}  // namespace pinas::train::data
