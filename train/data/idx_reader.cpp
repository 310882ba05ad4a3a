#include "train/data/idx_reader.h"

#include <cstdio>
#include <cstring>

#include "train/data/dataset_error.h"
#include "train/data/detail/file_bytes.h"

namespace pinas::train::data {

namespace {

uint32_t big_endian_32(const uint8_t* bytes) {
  return (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) | (uint32_t{bytes[2]} << 8) |
         uint32_t{bytes[3]};
}

std::string hex(uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08x", value);
  return text;
}

}  // namespace

IdxArray parse_idx(std::vector<uint8_t> bytes, size_t dimension_count, const std::string& source) {
  if (dimension_count < 1 || dimension_count > 255) {
    throw DatasetError("IDX file " + source + ": " + std::to_string(dimension_count) +
                       " dimensions asked for (1..255)");
  }
  const uint32_t expected_magic = 0x00000800 | static_cast<uint32_t>(dimension_count);
  const size_t header_size = 4 + 4 * dimension_count;
  if (bytes.size() < 4) {
    throw DatasetError("IDX file " + source + ": too short for a header (" +
                       std::to_string(bytes.size()) + " bytes)");
  }
  const uint32_t magic = big_endian_32(bytes.data());
  if (magic != expected_magic) {
    throw DatasetError("IDX file " + source + ": bad magic " + hex(magic) + ", expected " +
                       hex(expected_magic));
  }
  if (bytes.size() < header_size) {
    throw DatasetError("IDX file " + source + ": truncated header (" +
                       std::to_string(bytes.size()) + " bytes, " + std::to_string(header_size) +
                       " needed for " + std::to_string(dimension_count) + " dimensions)");
  }
  IdxArray array;
  array.dimensions.resize(dimension_count);
  std::string shape;
  // The product in 64 bits, checked: three 32-bit dimensions can reach 2^96,
  // and a product that wrapped could match a small payload.
  uint64_t payload = 1;
  bool overflow = false;
  for (size_t i = 0; i < dimension_count; ++i) {
    array.dimensions[i] = big_endian_32(bytes.data() + 4 + 4 * i);
    shape += (i == 0 ? "" : " x ") + std::to_string(array.dimensions[i]);
    overflow = overflow || __builtin_mul_overflow(payload, uint64_t{array.dimensions[i]}, &payload);
  }
  const uint64_t present = bytes.size() - header_size;
  if (overflow) {
    throw DatasetError("IDX file " + source + ": dimensions " + shape +
                       " multiply past 2^64 bytes; the file has " + std::to_string(present) +
                       " after its header");
  }
  if (payload != present) {
    const std::string expected = payload > UINT64_MAX - header_size
                                     ? std::string("more than 2^64")
                                     : std::to_string(header_size + payload);
    throw DatasetError("IDX file " + source + ": " + std::to_string(bytes.size()) +
                       " bytes, expected " + expected + " (" + std::to_string(header_size) +
                       "-byte header + dimensions " + shape + "; wrong size or truncated)");
  }
  bytes.erase(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(header_size));
  array.values = std::move(bytes);
  return array;
}

IdxArray read_idx_file(const std::filesystem::path& path, size_t dimension_count) {
  return parse_idx(detail::read_possibly_gzipped(path), dimension_count, path.string());
}

ImageDataset read_idx_dataset(const std::filesystem::path& images_file,
                              const std::filesystem::path& labels_file,
                              std::vector<std::string> class_names, std::string name) {
  IdxArray images = read_idx_file(images_file, 3);
  const IdxArray labels = read_idx_file(labels_file, 1);
  const std::vector<uint32_t>& image_dimensions = images.dimensions;
  const std::vector<uint32_t>& label_dimensions = labels.dimensions;
  if (image_dimensions[0] != label_dimensions[0]) {
    throw DatasetError("IDX files " + images_file.string() + " and " + labels_file.string() + ": " +
                       std::to_string(image_dimensions[0]) + " images but " +
                       std::to_string(label_dimensions[0]) + " labels");
  }
  if (image_dimensions[1] == 0 || image_dimensions[2] == 0) {
    throw DatasetError("IDX file " + images_file.string() + ": empty image size");
  }
  ImageDataset dataset;
  dataset.name = std::move(name);
  dataset.channels = 1;
  dataset.height = image_dimensions[1];
  dataset.width = image_dimensions[2];
  dataset.class_names = std::move(class_names);
  dataset.pixels = std::move(images.values);
  dataset.labels.resize(label_dimensions[0]);
  for (size_t i = 0; i < dataset.labels.size(); ++i) {
    const uint8_t label = labels.values[i];
    if (label >= dataset.class_names.size()) {
      throw DatasetError("IDX file " + labels_file.string() + ": label " + std::to_string(label) +
                         " of item " + std::to_string(i) + " is not below the class count " +
                         std::to_string(dataset.class_names.size()));
    }
    dataset.labels[i] = label;
  }
  return dataset;
}

const std::vector<std::string>& fashion_mnist_class_names() {
  static const std::vector<std::string> names = {"T-shirt/top", "Trouser",   "Pullover", "Dress",
                                                 "Coat",        "Sandal",    "Shirt",    "Sneaker",
                                                 "Bag",         "Ankle boot"};
  return names;
}

ImageDataset read_fashion_mnist(const std::filesystem::path& directory, bool train) {
  const std::string prefix = train ? "train" : "t10k";
  // Prefer the gzip files as distributed; fall back to unpacked ones.
  auto locate = [&](const std::string& stem) {
    const std::filesystem::path gzipped = directory / (stem + ".gz");
    std::error_code error;
    if (std::filesystem::exists(gzipped, error)) return gzipped;
    const std::filesystem::path raw = directory / stem;
    if (std::filesystem::exists(raw, error)) return raw;
    throw DatasetError("Fashion-MNIST file " + gzipped.string() + " (or " + raw.string() +
                       "): not found");
  };
  // Located one after the other so a missing images file is the one reported.
  const std::filesystem::path images = locate(prefix + "-images-idx3-ubyte");
  const std::filesystem::path labels = locate(prefix + "-labels-idx1-ubyte");
  return read_idx_dataset(images, labels, fashion_mnist_class_names(),
                          std::string("fashion-mnist/") + (train ? "train" : "test"));
}

}  // namespace pinas::train::data
