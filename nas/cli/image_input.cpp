#include "nas/cli/image_input.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <initializer_list>

#include "crypto/pi/pi_error.h"
#include "train/data/cifar_reader.h"
#include "train/data/detail/file_bytes.h"
#include "train/data/idx_reader.h"

namespace pinas::cli {

namespace {

std::vector<float> to_floats(std::span<const std::uint8_t> bytes) {
  std::vector<float> values(bytes.size());
  for (std::size_t i = 0; i < bytes.size(); ++i) values[i] = static_cast<float>(bytes[i]) / 255.0f;
  return values;
}

}  // namespace

std::vector<float> fit_image(train::data::Image image, const spaces::Shape& shape,
                             const std::string& path) {
  if (image.channels != shape.channels) {
    if (image.channels == 1 && shape.channels == 3) {
      std::vector<std::uint8_t> rgb;
      for (int c = 0; c < 3; ++c) rgb.insert(rgb.end(), image.pixels.begin(), image.pixels.end());
      image.pixels = rgb;
      image.channels = 3;
    } else {
      throw pi::UsageError(fmt::format("input {}: {} channels, the model takes {}", path,
                                       image.channels, shape.channels));
    }
  }
  if (image.height != shape.height || image.width != shape.width) {
    image = train::data::resize_image(image, shape.height, shape.width);
  }
  return to_floats(image.pixels);
}

InputImage read_input(const std::string& path, std::size_t index, const spaces::Shape& shape) {
  auto bytes = train::data::detail::read_possibly_gzipped(path);
  auto starts_with = [&](std::initializer_list<std::uint8_t> prefix) {
    return bytes.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), bytes.begin());
  };
  InputImage input;
  const std::string extension = std::filesystem::path(path).extension().string();
  if (bytes.size() >= 4 &&
      ((bytes[0] == 0xFF && bytes[1] == 0xD8) || (bytes[0] == 0x89 && bytes[1] == 'P'))) {
    input.pixels = fit_image(train::data::read_image_file(path), shape, path);
  } else if (starts_with({0x00, 0x00, 0x08, 0x03})) {
    // The data module's IDX parser checks the dimensions against the file.
    const auto array = train::data::parse_idx(std::move(bytes), 3, path);
    const std::size_t count = array.dimensions[0];
    const std::size_t height = array.dimensions[1], width = array.dimensions[2];
    if (index >= count)
      throw pi::UsageError(fmt::format("input {}: --index {} of {} images", path, index, count));
    if (height == 0 || width == 0)
      throw pi::UsageError(
          fmt::format("input {}: IDX images of size {} x {}", path, height, width));
    train::data::Image image{
        1, static_cast<std::int64_t>(height), static_cast<std::int64_t>(width), {}};
    // height * width * count == values.size() (checked), so these cannot overflow.
    auto begin = array.values.begin() + static_cast<std::ptrdiff_t>(index * height * width);
    image.pixels.assign(begin, begin + static_cast<std::ptrdiff_t>(height * width));
    input.pixels = fit_image(image, shape, path);
  } else if (extension == ".bin") {
    const int label_bytes = bytes.size() % 3073 == 0 ? 1 : 2;
    auto dataset = train::data::read_cifar_files({path}, label_bytes, {}, path);
    if (index >= dataset.size()) {
      throw pi::UsageError(
          fmt::format("input {}: --index {} of {} records", path, index, dataset.size()));
    }
    auto record = dataset.image(index);
    train::data::Image image{
        dataset.channels, dataset.height, dataset.width, {record.begin(), record.end()}};
    input.pixels = fit_image(image, shape, path);
    input.label = dataset.labels[index];
  } else if (extension == ".f32" || extension == ".raw") {
    if (bytes.size() != static_cast<std::size_t>(shape.elements()) * 4) {
      throw pi::UsageError(fmt::format("input {}: {} bytes, a {} float32 tensor needs {}", path,
                                       bytes.size(), shape.to_string(), shape.elements() * 4));
    }
    input.pixels.resize(static_cast<std::size_t>(shape.elements()));
    std::memcpy(input.pixels.data(), bytes.data(), bytes.size());
  } else {
    throw pi::UsageError(
        fmt::format("input {}: not a JPEG/PNG image, an IDX image file, CIFAR records (.bin) or a "
                    "raw float32 tensor (.f32)",
                    path));
  }
  return input;
}

}  // namespace pinas::cli
