#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace pinas::train::data::detail {

// The whole content of `path`. Throws DatasetError naming the file if it is
// missing or unreadable.
std::vector<uint8_t> read_file_bytes(const std::filesystem::path& path);

// The content of `path`, gunzipped (zlib, all members) when it starts with the
// gzip magic 1f 8b, else as is. Throws DatasetError naming the file if it is
// missing, unreadable, or a corrupt or truncated gzip stream.
std::vector<uint8_t> read_possibly_gzipped(const std::filesystem::path& path);

}  // namespace pinas::train::data::detail
