#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

namespace pinas::train::data::detail {

// The whole content of `path`. Throws DatasetError naming the file if it is
// missing or unreadable.
std::vector<uint8_t> read_file_bytes(const std::filesystem::path& path);

// The most bytes a gzipped dataset file may inflate to (2 GiB): far above any
// dataset pinas reads (Fashion-MNIST's training images are 47 MB), far below
// what a gzip bomb (1000:1 and more) would make us allocate.
inline constexpr std::size_t kMaxGunzippedBytes = std::size_t{2} << 30;

// The content of `path`, gunzipped (zlib, all members) when it starts with the
// gzip magic 1f 8b, else as is. Throws DatasetError naming the file if it is
// missing, unreadable, a corrupt or truncated gzip stream, or would inflate
// past `max_gunzipped_bytes` (refused as soon as the output passes it).
// Thread-safe.
std::vector<uint8_t> read_possibly_gzipped(const std::filesystem::path& path,
                                           std::size_t max_gunzipped_bytes = kMaxGunzippedBytes);

}  // namespace pinas::train::data::detail
