#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace pinas::train::data {

// One decoded image, C×H×W uint8 (planar, R, G, B for colour), LibTorch-free so
// that private inference can read its input with it.
struct Image {
  int64_t channels = 0;
  int64_t height = 0;
  int64_t width = 0;
  std::vector<uint8_t> pixels;  // channels × height × width bytes
};

// Decodes a JPEG (libjpeg-turbo) or PNG (libpng) file, chosen by its leading
// bytes, not its extension. `channels` 0 keeps the file's own (1 for grayscale,
// 3 for colour; PNG alpha is composited onto black, palette and 16-bit PNGs become 8
// bits); 1 or 3 converts (RGB→gray by ITU-R BT.601 luma, gray→RGB by copying).
// Throws DatasetError naming the file if it is missing, of another format or
// cannot be decoded (truncated, corrupt). Thread-safe.
Image read_image_file(const std::filesystem::path& path, int64_t channels = 0);

// Writes `image` (1 or 3 channels) as PNG when `path` ends in .png, else as JPEG
// with the given quality (1..100). Throws DatasetError naming the file on failure.
void write_image_file(const std::filesystem::path& path, const Image& image, int jpeg_quality = 95);

// Bilinear resize (align_corners = false, as torchvision/PIL without
// antialiasing) to height × width. Requires positive sizes.
Image resize_image(const Image& image, int64_t height, int64_t width);

}  // namespace pinas::train::data
