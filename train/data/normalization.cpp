#include "train/data/normalization.h"

#include <cmath>

#include "train/data/dataset_error.h"

namespace pinas::train::data {

Normalization Normalization::identity(int64_t channels) {
  return Normalization{std::vector<float>(static_cast<size_t>(channels), 0.0f),
                       std::vector<float>(static_cast<size_t>(channels), 1.0f)};
}

void Normalization::check(int64_t channels) const {
  if (mean.size() != static_cast<size_t>(channels) || std.size() != static_cast<size_t>(channels)) {
    throw DatasetError("normalization has " + std::to_string(mean.size()) + " means and " +
                       std::to_string(std.size()) + " standard deviations for " +
                       std::to_string(channels) + " channels");
  }
  for (float value : std) {
    if (!(value > 0.0f) || !std::isfinite(value)) {
      throw DatasetError("normalization standard deviation " + std::to_string(value) +
                         " is not positive");
    }
  }
  for (float value : mean) {
    if (!std::isfinite(value)) throw DatasetError("normalization mean is not finite");
  }
}

Normalization compute_normalization(const ImageDataset& dataset) {
  if (dataset.size() == 0) {
    throw DatasetError("dataset " + dataset.name + ": cannot compute normalization of no images");
  }
  const size_t plane = static_cast<size_t>(dataset.height * dataset.width);
  Normalization result;
  for (int64_t c = 0; c < dataset.channels; ++c) {
    // Exact integer sums: no rounding drift however many pixels.
    uint64_t sum = 0;
    uint64_t sum_of_squares = 0;
    for (size_t i = 0; i < dataset.size(); ++i) {
      const uint8_t* pixels = dataset.image(i).data() + c * plane;
      uint64_t image_sum = 0;
      uint64_t image_squares = 0;
      for (size_t p = 0; p < plane; ++p) {
        image_sum += pixels[p];
        image_squares += uint32_t{pixels[p]} * pixels[p];
      }
      sum += image_sum;
      sum_of_squares += image_squares;
    }
    const double count = static_cast<double>(plane) * static_cast<double>(dataset.size());
    const double mean = static_cast<double>(sum) / count;
    const double variance =
        std::max(0.0, static_cast<double>(sum_of_squares) / count - mean * mean);
    const double deviation = std::sqrt(variance);
    result.mean.push_back(static_cast<float>(mean / 255.0));
    result.std.push_back(deviation > 1e-9 ? static_cast<float>(deviation / 255.0) : 1.0f);
  }
  return result;
}

std::optional<Normalization> standard_normalization(const std::string& dataset_name) {
  if (dataset_name == "cifar10") {
    return Normalization{{0.4914f, 0.4822f, 0.4465f}, {0.2470f, 0.2435f, 0.2616f}};
  }
  if (dataset_name == "cifar100") {
    return Normalization{{0.5071f, 0.4865f, 0.4409f}, {0.2673f, 0.2564f, 0.2762f}};
  }
  if (dataset_name == "fashion-mnist") return Normalization{{0.2860f}, {0.3530f}};
  return std::nullopt;
}

}  // namespace pinas::train::data
