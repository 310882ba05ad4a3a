#include "train/data/idx_reader.h"

#include <cstdio>
#include <cstring>

#include "train/data/dataset_error.h"
#include "train/data/detail/file_bytes.h"

namespace pinas::train::data {

namespace {

constexpr uint32_t kImagesMagic = 0x00000803;  // unsigned byte, 3 dimensions
constexpr uint32_t kLabelsMagic = 0x00000801;  // unsigned byte, 1 dimension

uint32_t big_endian_32(const uint8_t* bytes) {
  return (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) | (uint32_t{bytes[2]} << 8) |
         uint32_t{bytes[3]};
}

std::string hex(uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08x", value);
  return text;
}

// Checks the magic and size of an IDX file; returns its dimensions.
std::vector<uint32_t> parse_idx(const std::vector<uint8_t>& bytes, uint32_t expected_magic,
                                const std::filesystem::path& path) {
  const size_t dimension_count = expected_magic & 0xff;
  const size_t header_size = 4 + 4 * dimension_count;
  if (bytes.size() < 4) {
    throw DatasetError("IDX file " + path.string() + ": too short for a header (" +
                       std::to_string(bytes.size()) + " bytes)");
  }
  const uint32_t magic = big_endian_32(bytes.data());
  if (magic != expected_magic) {
    throw DatasetError("IDX file " + path.string() + ": bad magic " + hex(magic) + ", expected " +
                       hex(expected_magic));
  }
  if (bytes.size() < header_size) {
    throw DatasetError("IDX file " + path.string() + ": truncated header");
  }
  std::vector<uint32_t> dimensions(dimension_count);
  uint64_t payload = 1;
  for (size_t i = 0; i < dimension_count; ++i) {
    dimensions[i] = big_endian_32(bytes.data() + 4 + 4 * i);
    payload *= dimensions[i];
  }
  if (payload > (uint64_t{1} << 40) || bytes.size() - header_size != payload) {
    throw DatasetError("IDX file " + path.string() + ": " + std::to_string(bytes.size()) +
                       " bytes, expected " + std::to_string(header_size + payload) +
                       " from its header (wrong size or truncated)");
  }
  return dimensions;
}

}  // namespace

ImageDataset read_idx_dataset(const std::filesystem::path& images_file,
                              const std::filesystem::path& labels_file,
                              std::vector<std::string> class_names, std::string name) {
  std::vector<uint8_t> images = detail::read_possibly_gzipped(images_file);
  const std::vector<uint32_t> image_dimensions = parse_idx(images, kImagesMagic, images_file);
  const std::vector<uint8_t> labels = detail::read_possibly_gzipped(labels_file);
  const std::vector<uint32_t> label_dimensions = parse_idx(labels, kLabelsMagic, labels_file);
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
  images.erase(images.begin(), images.begin() + 16);
  dataset.pixels = std::move(images);
  dataset.labels.resize(label_dimensions[0]);
  for (size_t i = 0; i < dataset.labels.size(); ++i) {
    const uint8_t label = labels[8 + i];
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
