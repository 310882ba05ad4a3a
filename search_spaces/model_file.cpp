#include "search_spaces/model_file.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>

namespace pinas::spaces {
namespace {

constexpr char kMagic[8] = {'P', 'I', 'N', 'A', 'S', 'M', 'D', 'L'};
constexpr std::size_t kHeaderBytes = 8 + 4 + 8;
constexpr std::size_t kTrailerBytes = 4;

std::uint32_t crc32(const std::string& data, std::size_t offset, std::size_t length) {
  static const std::array<std::uint32_t, 256> table = [] {
    std::array<std::uint32_t, 256> entries{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t value = i;
      for (int bit = 0; bit < 8; ++bit) value = (value & 1) ? 0xEDB88320u ^ (value >> 1) : value >> 1;
      entries[i] = value;
    }
    return entries;
  }();
  std::uint32_t crc = 0xFFFFFFFFu;
  for (std::size_t i = offset; i < offset + length; ++i) {
    crc = table[(crc ^ static_cast<unsigned char>(data[i])) & 0xFF] ^ (crc >> 8);
  }
  return crc ^ 0xFFFFFFFFu;
}

template <typename T>
void put_little_endian(std::string& out, T value) {
  for (std::size_t i = 0; i < sizeof(T); ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

template <typename T>
T get_little_endian(const std::string& in, std::size_t offset) {
  T value = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    value |= static_cast<T>(static_cast<unsigned char>(in[offset + i])) << (8 * i);
  }
  return value;
}

}  // namespace

std::string encode_model(const pb::Model& model) {
  // Deterministic so that identical models give identical files (protobuf
  // map order is otherwise unspecified).
  std::string payload;
  {
    google::protobuf::io::StringOutputStream stream(&payload);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    if (!model.SerializeToCodedStream(&coded)) throw ModelFileError("model: protobuf serialization failed");
  }
  std::string out(kMagic, sizeof(kMagic));
  put_little_endian<std::uint32_t>(out, kModelFormatVersion);
  put_little_endian<std::uint64_t>(out, payload.size());
  out += payload;
  put_little_endian<std::uint32_t>(out, crc32(payload, 0, payload.size()));
  return out;
}

pb::Model decode_model(const std::string& bytes, const std::string& origin) {
  if (bytes.size() < kHeaderBytes + kTrailerBytes) {
    throw ModelFileError(origin + ": not a pinas model file (only " + std::to_string(bytes.size()) +
                         " bytes, shorter than the header)");
  }
  if (std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0) {
    throw ModelFileError(origin + ": not a pinas model file (wrong magic; expected \"PINASMDL\")");
  }
  const auto version = get_little_endian<std::uint32_t>(bytes, 8);
  if (version != kModelFormatVersion) {
    throw ModelFileError(origin + ": unsupported model format version " + std::to_string(version) +
                         " (this pinas reads version " + std::to_string(kModelFormatVersion) + ")");
  }
  const auto length = get_little_endian<std::uint64_t>(bytes, 12);
  if (length > kMaxModelPayloadBytes) {
    throw ModelFileError(origin + ": payload length " + std::to_string(length) +
                         " exceeds the cap of " + std::to_string(kMaxModelPayloadBytes) + " bytes");
  }
  if (bytes.size() != kHeaderBytes + length + kTrailerBytes) {
    throw ModelFileError(origin + ": truncated or padded model file (header announces " +
                         std::to_string(length) + " payload bytes, file holds " +
                         std::to_string(bytes.size()) + " bytes in all)");
  }
  const auto stored_crc = get_little_endian<std::uint32_t>(bytes, kHeaderBytes + length);
  if (stored_crc != crc32(bytes, kHeaderBytes, length)) {
    throw ModelFileError(origin + ": corrupt model file (CRC-32 mismatch)");
  }
  pb::Model model;
  if (!model.ParseFromArray(bytes.data() + kHeaderBytes, static_cast<int>(length))) {
    throw ModelFileError(origin + ": model payload is not a valid pinas.pb.Model");
  }
  return model;
}

void write_model_file(const std::filesystem::path& path, const pb::Model& model) {
  const std::string bytes = encode_model(model);
  const std::filesystem::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) throw ModelFileError(path.string() + ": cannot open for writing");
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw ModelFileError(path.string() + ": write failed");
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) throw ModelFileError(path.string() + ": cannot rename into place: " + error.message());
}

pb::Model read_model_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ModelFileError(path.string() + ": cannot open model file");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return decode_model(bytes, path.string());
}

}  // namespace pinas::spaces
