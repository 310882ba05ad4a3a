#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace pinas::train::data {

// An in-memory labelled image set, free of LibTorch.
//
// Layout: `pixels` holds size() images of channels × height × width bytes each,
// stored N×C×H×W (planar, channel-major, the layout of the CIFAR binaries and of
// torch tensors), row-major within a plane. Grayscale images have channels == 1,
// colour images channels == 3 in R, G, B order. labels[i] is the class index of
// image i, in 0..class_names.size()-1.
struct ImageDataset {
  std::string name;  // e.g. "cifar10/train"; used in messages
  int64_t channels = 0;
  int64_t height = 0;
  int64_t width = 0;
  std::vector<std::string> class_names;  // class index → name
  std::vector<uint8_t> pixels;           // size() × image_bytes(), N×C×H×W
  std::vector<int64_t> labels;           // size() entries

  // Number of images. Thread-safety: const members are safe to call concurrently.
  size_t size() const { return labels.size(); }
  // Bytes of one image: channels × height × width.
  size_t image_bytes() const { return static_cast<size_t>(channels * height * width); }
  size_t class_count() const { return class_names.size(); }
  // The C×H×W bytes of image `index`. Requires index < size().
  std::span<const uint8_t> image(size_t index) const {
    return {pixels.data() + index * image_bytes(), image_bytes()};
  }

  // Returns a new dataset with the images at `indices`, in that order (indices may
  // repeat). Name, shape and class names are kept.
  // Throws DatasetError if an index is out of range.
  ImageDataset select(std::span<const size_t> indices) const;

  // Checks the invariants above (pixel count, labels in range, positive shape).
  // Throws DatasetError naming `name` when one is broken.
  void validate() const;
};

// The shape and class metadata shared by a train and test set; what the model
// builder needs and what an exported model records.
struct DatasetInfo {
  std::string name;  // "fashion-mnist", "cifar10", "cifar100", "folder"
  int64_t channels = 0;
  int64_t height = 0;
  int64_t width = 0;
  std::vector<std::string> class_names;
  size_t class_count() const { return class_names.size(); }
};

}  // namespace pinas::train::data
