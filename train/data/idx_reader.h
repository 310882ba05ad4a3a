#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "train/data/image_dataset.h"

namespace pinas::train::data {

// Readers for the IDX format of MNIST and Fashion-MNIST: big-endian magic
// 0x00000803 (uint8 images, dims N, H, W) or 0x00000801 (uint8 labels, dim N).
// Files may be gzip-compressed (detected by the gzip magic, decompressed with
// zlib) or raw. All throw DatasetError naming the file on a missing file, bad
// magic, truncated gzip or wrong size.

// One IDX array of unsigned bytes: its dimensions and its values, row-major
// (the product of the dimensions, exactly).
struct IdxArray {
  std::vector<uint32_t> dimensions;
  std::vector<uint8_t> values;
};

// The one IDX parser: checks `bytes` (a whole, already gunzipped file) for the
// magic of an unsigned-byte array of `dimension_count` dimensions (1..255),
// multiplies the dimensions with overflow checks and compares the product with
// the bytes actually present after the header before anything is allocated.
// Returns the array, taking the bytes over. Throws DatasetError naming
// `source` (the file) on a short header, bad magic, dimensions whose product
// overflows 64 bits or differs from the payload. Thread-safe.
IdxArray parse_idx(std::vector<uint8_t> bytes, size_t dimension_count, const std::string& source);

// Reads `path` (gzip or raw) and parses it with parse_idx. Throws DatasetError
// naming the file (also when it is missing or a corrupt gzip stream).
IdxArray read_idx_file(const std::filesystem::path& path, size_t dimension_count);

// Reads an image file and a label file into one grayscale dataset (channels 1)
// with the given class names. Throws DatasetError if the counts differ or a label
// is not below class_names.size().
ImageDataset read_idx_dataset(const std::filesystem::path& images_file,
                              const std::filesystem::path& labels_file,
                              std::vector<std::string> class_names, std::string name);

// The Fashion-MNIST split `train` (true: train-*, 60,000 images) or test
// (t10k-*, 10,000) from `directory`, taking `<stem>.gz` or, if absent, `<stem>`
// raw. Class names are the ten official ones ("T-shirt/top" … "Ankle boot").
ImageDataset read_fashion_mnist(const std::filesystem::path& directory, bool train);

// Where Debian's dataset-fashion-mnist package installs the files.
inline const std::filesystem::path kDebianFashionMnistDirectory =
    "/usr/share/datasets/fashion-mnist";

// The ten Fashion-MNIST class names in label order.
const std::vector<std::string>& fashion_mnist_class_names();

}  // namespace pinas::train::data
