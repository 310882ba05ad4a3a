#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "train/data/image_file.h"

namespace pinas::train::data::detail {

// Decoders and encoders behind read_image_file()/write_image_file(). Decoders
// return the file's own channels (1 or 3) interleaved H×W×C; `path` only names
// the file in errors. All throw DatasetError naming the file. Thread-safe.
Image decode_jpeg(const std::vector<uint8_t>& bytes, const std::filesystem::path& path);
Image decode_png(const std::vector<uint8_t>& bytes, const std::filesystem::path& path);
void encode_jpeg(const std::filesystem::path& path, const Image& interleaved, int quality);
void encode_png(const std::filesystem::path& path, const Image& interleaved);

}  // namespace pinas::train::data::detail
