#pragma once

#include <optional>
#include <string>
#include <vector>

#include "train/data/image_dataset.h"

namespace pinas::train::data {

// Per-channel normalization, on the [0, 1] pixel scale as torchvision's
// ToTensor + Normalize: value = (pixel / 255 - mean[c]) / std[c]. An exported
// model records these so inference feeds the network the same inputs.
struct Normalization {
  std::vector<float> mean;  // one per channel
  std::vector<float> std;   // one per channel, > 0

  // mean 0, std 1 for `channels` channels: pixels only scaled to [0, 1].
  static Normalization identity(int64_t channels);
  // Throws DatasetError unless mean and std both have `channels` positive-std entries.
  void check(int64_t channels) const;
};

// Mean and population standard deviation of every channel over all pixels of
// `dataset` (compute it on the training split only). A constant channel gets
// std 1. Throws DatasetError on an empty dataset.
Normalization compute_normalization(const ImageDataset& dataset);

// The constants commonly used for "cifar10", "cifar100" and "fashion-mnist"
// (statistics of their full training sets); empty for any other name.
std::optional<Normalization> standard_normalization(const std::string& dataset_name);

}  // namespace pinas::train::data
