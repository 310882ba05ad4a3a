#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "search_spaces/node.h"
#include "train/data/image_file.h"

namespace pinas::cli {

// One input image for private inference, in the model's input shape.
struct InputImage {
  std::vector<float> pixels;  // C x H x W in [0, 1]
  std::optional<std::int64_t> label;
};

// Brings a C x H x W byte image to `shape` (grey to RGB, bilinear resize, as
// the data readers do) and scales it to [0, 1]. Throws pi::UsageError naming
// `path` when the channels cannot be converted. Thread-safe.
std::vector<float> fit_image(train::data::Image image, const spaces::Shape& shape,
                             const std::string& path);

// Reads FILE: JPEG/PNG, IDX images (gzip or raw; record `index`), CIFAR
// binary records (.bin; record `index`) or a raw float32 tensor (.f32/.raw:
// C x H x W little-endian floats in [0, 1]), fitted to `shape`. Throws an
// error naming the file for an unreadable file or an index out of range.
InputImage read_input(const std::string& path, std::size_t index, const spaces::Shape& shape);

}  // namespace pinas::cli
