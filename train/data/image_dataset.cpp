#include "train/data/image_dataset.h"

#include <cstring>

#include "train/data/dataset_error.h"

namespace pinas::train::data {

ImageDataset ImageDataset::select(std::span<const size_t> indices) const {
  ImageDataset result;
  result.name = name;
  result.channels = channels;
  result.height = height;
  result.width = width;
  result.class_names = class_names;
  const size_t bytes = image_bytes();
  result.pixels.resize(indices.size() * bytes);
  result.labels.resize(indices.size());
  for (size_t i = 0; i < indices.size(); ++i) {
    const size_t index = indices[i];
    if (index >= size()) {
      throw DatasetError("dataset " + name + ": index " + std::to_string(index) +
                         " out of range (size " + std::to_string(size()) + ")");
    }
    std::memcpy(result.pixels.data() + i * bytes, pixels.data() + index * bytes, bytes);
    result.labels[i] = labels[index];
  }
  return result;
}

void ImageDataset::validate() const {
  if (channels <= 0 || height <= 0 || width <= 0) {
    throw DatasetError("dataset " + name + ": non-positive image shape " +
                       std::to_string(channels) + "x" + std::to_string(height) + "x" +
                       std::to_string(width));
  }
  if (pixels.size() != size() * image_bytes()) {
    throw DatasetError("dataset " + name + ": " + std::to_string(pixels.size()) +
                       " pixel bytes for " + std::to_string(size()) + " images of " +
                       std::to_string(image_bytes()) + " bytes");
  }
  if (class_names.empty()) throw DatasetError("dataset " + name + ": no class names");
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || static_cast<size_t>(labels[i]) >= class_names.size()) {
      throw DatasetError("dataset " + name + ": label " + std::to_string(labels[i]) + " of image " +
                         std::to_string(i) + " is not below the class count " +
                         std::to_string(class_names.size()));
    }
  }
}

}  // namespace pinas::train::data
