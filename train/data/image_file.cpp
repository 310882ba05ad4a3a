#include "train/data/image_file.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

#include "train/data/dataset_error.h"
#include "train/data/detail/file_bytes.h"
#include "train/data/detail/image_codecs.h"

namespace pinas::train::data {

namespace {

bool is_jpeg(const std::vector<uint8_t>& bytes) {
  return bytes.size() >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF;
}

bool is_png(const std::vector<uint8_t>& bytes) {
  static const uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  return bytes.size() >= 8 && std::equal(kSignature, kSignature + 8, bytes.begin());
}

// H×W×C interleaved (the codecs' layout) → C×H×W planar, converting channels.
Image to_planar(const Image& interleaved, int64_t channels) {
  const int64_t source_channels = interleaved.channels;
  const int64_t plane = interleaved.height * interleaved.width;
  Image planar;
  planar.channels = channels == 0 ? source_channels : channels;
  planar.height = interleaved.height;
  planar.width = interleaved.width;
  planar.pixels.resize(static_cast<size_t>(planar.channels * plane));
  const uint8_t* source = interleaved.pixels.data();
  uint8_t* target = planar.pixels.data();
  if (planar.channels == source_channels) {
    for (int64_t p = 0; p < plane; ++p) {
      for (int64_t c = 0; c < source_channels; ++c)
        target[c * plane + p] = source[p * source_channels + c];
    }
  } else if (planar.channels == 3) {  // gray → RGB
    for (int64_t p = 0; p < plane; ++p)
      target[p] = target[plane + p] = target[2 * plane + p] = source[p];
  } else {  // RGB → gray, BT.601 luma in 16-bit fixed point, rounded
    for (int64_t p = 0; p < plane; ++p) {
      const uint32_t luma =
          19595u * source[3 * p] + 38470u * source[3 * p + 1] + 7471u * source[3 * p + 2];
      target[p] = static_cast<uint8_t>((luma + 32768u) >> 16);
    }
  }
  return planar;
}

}  // namespace

Image read_image_file(const std::filesystem::path& path, int64_t channels) {
  if (channels != 0 && channels != 1 && channels != 3) {
    throw DatasetError("image file " + path.string() + ": cannot convert to " +
                       std::to_string(channels) + " channels (0, 1 or 3)");
  }
  const std::vector<uint8_t> bytes = detail::read_file_bytes(path);
  Image interleaved;
  if (is_jpeg(bytes)) {
    interleaved = detail::decode_jpeg(bytes, path);
  } else if (is_png(bytes)) {
    interleaved = detail::decode_png(bytes, path);
  } else {
    throw DatasetError("image file " + path.string() + ": neither JPEG nor PNG");
  }
  return to_planar(interleaved, channels);
}

void write_image_file(const std::filesystem::path& path, const Image& image, int jpeg_quality) {
  if ((image.channels != 1 && image.channels != 3) || image.height <= 0 || image.width <= 0 ||
      image.pixels.size() != static_cast<size_t>(image.channels * image.height * image.width)) {
    throw DatasetError("image file " + path.string() + ": cannot write a " +
                       std::to_string(image.channels) + "x" + std::to_string(image.height) + "x" +
                       std::to_string(image.width) + " image of " +
                       std::to_string(image.pixels.size()) + " bytes");
  }
  if (jpeg_quality < 1 || jpeg_quality > 100) {
    throw DatasetError("image file " + path.string() + ": JPEG quality " +
                       std::to_string(jpeg_quality) + " is not in 1..100");
  }
  const int64_t plane = image.height * image.width;
  Image interleaved = image;
  for (int64_t p = 0; p < plane; ++p) {
    for (int64_t c = 0; c < image.channels; ++c) {
      interleaved.pixels[p * image.channels + c] = image.pixels[c * plane + p];
    }
  }
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  if (extension == ".png") {
    detail::encode_png(path, interleaved);
  } else {
    detail::encode_jpeg(path, interleaved, jpeg_quality);
  }
}

Image resize_image(const Image& image, int64_t height, int64_t width) {
  if (height <= 0 || width <= 0 || image.height <= 0 || image.width <= 0) {
    throw DatasetError("resize_image: cannot resize " + std::to_string(image.height) + "x" +
                       std::to_string(image.width) + " to " + std::to_string(height) + "x" +
                       std::to_string(width));
  }
  if (height == image.height && width == image.width) return image;
  Image resized;
  resized.channels = image.channels;
  resized.height = height;
  resized.width = width;
  resized.pixels.resize(static_cast<size_t>(image.channels * height * width));
  // Source coordinate of each target row/column (pixel centres, clamped at edges).
  auto source_position = [](int64_t target, int64_t source_size, int64_t target_size, int64_t* low,
                            int64_t* high, float* fraction) {
    const float scale = static_cast<float>(source_size) / static_cast<float>(target_size);
    const float position = std::max(0.0f, (static_cast<float>(target) + 0.5f) * scale - 0.5f);
    *low = std::min(static_cast<int64_t>(position), source_size - 1);
    *high = std::min(*low + 1, source_size - 1);
    *fraction = position - static_cast<float>(*low);
  };
  for (int64_t c = 0; c < image.channels; ++c) {
    const uint8_t* source = image.pixels.data() + c * image.height * image.width;
    uint8_t* target = resized.pixels.data() + c * height * width;
    for (int64_t y = 0; y < height; ++y) {
      int64_t y0, y1;
      float fy;
      source_position(y, image.height, height, &y0, &y1, &fy);
      for (int64_t x = 0; x < width; ++x) {
        int64_t x0, x1;
        float fx;
        source_position(x, image.width, width, &x0, &x1, &fx);
        const float top =
            source[y0 * image.width + x0] * (1 - fx) + source[y0 * image.width + x1] * fx;
        const float bottom =
            source[y1 * image.width + x0] * (1 - fx) + source[y1 * image.width + x1] * fx;
        const float value = top * (1 - fy) + bottom * fy;
        target[y * width + x] = static_cast<uint8_t>(std::clamp(std::lround(value), 0L, 255L));
      }
    }
  }
  return resized;
}

}  // namespace pinas::train::data
