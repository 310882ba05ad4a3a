#pragma once

#include <filesystem>
#include <string>

#include "proto/error.h"
#include "proto/model.pb.h"

namespace pinas::spaces {

// A model file that cannot be read: missing, truncated, foreign (wrong magic),
// from an unsupported format version, corrupt (CRC mismatch) or unparsable.
// The message names the file.
class ModelFileError : public Error {
 public:
  using Error::Error;
};

// The on-disk envelope around pb::Model, so that a truncated or foreign file
// is refused before protobuf ever sees it:
//   bytes 0..7    magic "PINASMDL"
//   bytes 8..11   format version, uint32 little-endian (kModelFormatVersion)
//   bytes 12..19  payload length N, uint64 little-endian (at most kMaxModelPayloadBytes)
//   bytes 20..    N bytes of serialized pb::Model
//   last 4 bytes  CRC-32 (IEEE) of the payload, uint32 little-endian
inline constexpr unsigned kModelFormatVersion = 1;
inline constexpr unsigned long long kMaxModelPayloadBytes = 4ULL << 30;

// Writes `model` to `path` atomically (temporary file, then rename).
// Throws ModelFileError when the file cannot be written. Thread-safe for
// distinct paths.
void write_model_file(const std::filesystem::path& path, const pb::Model& model);

// Reads and verifies a model file. Throws ModelFileError naming `path` and
// what is wrong with it. Thread-safe.
pb::Model read_model_file(const std::filesystem::path& path);

// Serializes to / parses from an in-memory envelope (the same bytes as the
// file). `origin` names the source in error messages.
std::string encode_model(const pb::Model& model);
pb::Model decode_model(const std::string& bytes, const std::string& origin);

}  // namespace pinas::spaces
