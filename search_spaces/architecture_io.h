#pragma once

#include <filesystem>
#include <string>

#include "proto/architecture.pb.h"
#include "proto/genotype.pb.h"
#include "search_spaces/architecture.h"

namespace pinas::spaces {

// Protobuf text format of an architecture (the human-editable form).
std::string to_text_format(const Architecture& architecture);
// Parses text format. `origin` names the source in errors, which read
// "<origin>:<line>:<column>: <what>". Throws ArchitectureFileError on a
// parse error and GraphError for a dangling input or duplicate name.
Architecture from_text_format(const std::string& text, const std::string& origin = "<text>");

// Protobuf binary format.
std::string to_binary(const Architecture& architecture);
Architecture from_binary(const std::string& bytes, const std::string& origin = "<bytes>");

// Text-format parsing of any message with line/column errors (used for
// genotypes too). Throws ArchitectureFileError "<origin>:<line>:<column>: ...".
void parse_text_message(const std::string& text, const std::string& origin,
                        google::protobuf::Message& message);
// Text format of any message.
std::string print_text_message(const google::protobuf::Message& message);

// Writes `architecture` to `path`: binary when the extension is ".pb" or
// ".bin", text otherwise. Throws ArchitectureFileError naming the path.
void save_architecture(const Architecture& architecture, const std::filesystem::path& path);
// Writes a genotype, text format unless the extension is ".pb"/".bin".
void save_genotype(const pb::Genotype& genotype, const std::filesystem::path& path);

// Reads a whole file. Throws ArchitectureFileError naming the path.
std::string read_file(const std::filesystem::path& path);

}  // namespace pinas::spaces
