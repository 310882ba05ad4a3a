#include "train/data/detail/file_bytes.h"

#include <zlib.h>

#include <algorithm>
#include <fstream>
#include <string>

#include "train/data/dataset_error.h"

namespace pinas::train::data::detail {

std::vector<uint8_t> read_file_bytes(const std::filesystem::path& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    throw DatasetError("dataset file " + path.string() + ": not found");
  }
  std::ifstream stream(path, std::ios::binary);
  if (!stream) throw DatasetError("dataset file " + path.string() + ": cannot open");
  stream.seekg(0, std::ios::end);
  const std::streamoff size = stream.tellg();
  stream.seekg(0, std::ios::beg);
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  if (size > 0 && !stream.read(reinterpret_cast<char*>(bytes.data()), size)) {
    throw DatasetError("dataset file " + path.string() + ": read error");
  }
  return bytes;
}

namespace {

std::vector<uint8_t> gunzip(const std::vector<uint8_t>& compressed,
                            const std::filesystem::path& path, size_t max_bytes) {
  std::vector<uint8_t> output;
  output.reserve(std::min(compressed.size() * 4, max_bytes));
  z_stream stream{};
  // 16 + MAX_WBITS: expect a gzip header and trailer (CRC-32 and length checked).
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) {
    throw DatasetError("dataset file " + path.string() + ": cannot initialise zlib");
  }
  stream.next_in = const_cast<Bytef*>(compressed.data());
  stream.avail_in = static_cast<uInt>(compressed.size());
  constexpr size_t kChunk = 1 << 20;
  int status = Z_OK;
  while (true) {
    const size_t old_size = output.size();
    output.resize(old_size + kChunk);
    stream.next_out = output.data() + old_size;
    stream.avail_out = static_cast<uInt>(kChunk);
    status = inflate(&stream, Z_NO_FLUSH);
    output.resize(old_size + kChunk - stream.avail_out);
    if (output.size() > max_bytes) {
      inflateEnd(&stream);
      throw DatasetError("dataset file " + path.string() +
                         ": gzip stream inflates past the cap of " + std::to_string(max_bytes) +
                         " bytes (" + std::to_string(compressed.size()) +
                         " compressed bytes; a gzip bomb?)");
    }
    if (status == Z_STREAM_END) {
      // Concatenated gzip members are legal; continue with the next one.
      if (stream.avail_in == 0) break;
      if (inflateReset(&stream) != Z_OK) break;
      continue;
    }
    if (status == Z_OK) continue;
    if (status == Z_BUF_ERROR && stream.avail_in == 0) {
      inflateEnd(&stream);
      throw DatasetError("dataset file " + path.string() + ": truncated gzip stream");
    }
    const std::string reason =
        stream.msg != nullptr ? stream.msg : "zlib error " + std::to_string(status);
    inflateEnd(&stream);
    throw DatasetError("dataset file " + path.string() + ": corrupt gzip stream (" + reason + ")");
  }
  inflateEnd(&stream);
  return output;
}

}  // namespace

std::vector<uint8_t> read_possibly_gzipped(const std::filesystem::path& path,
                                           size_t max_gunzipped_bytes) {
  std::vector<uint8_t> bytes = read_file_bytes(path);
  if (bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b) {
    return gunzip(bytes, path, max_gunzipped_bytes);
  }
  return bytes;
}

}  // namespace pinas::train::data::detail
