#include "search_spaces/architecture_io.h"

#include <fmt/format.h>
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <fstream>
#include <iterator>
#include <sstream>

namespace pinas::spaces {
namespace {

// Keeps the first error with its position (protobuf reports 0-based lines
// and columns; people count from 1).
class FirstErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (!has_error_) {
      has_error_ = true;
      line_ = line + 1;
      column_ = column + 1;
      message_ = message;
    }
  }
  void AddWarning(int, google::protobuf::io::ColumnNumber, const std::string&) override {}

  bool has_error() const { return has_error_; }
  std::string describe(const std::string& origin) const {
    return fmt::format("{}:{}:{}: {}", origin, line_, column_, message_);
  }

 private:
  bool has_error_ = false;
  int line_ = 0;
  int column_ = 0;
  std::string message_;
};

bool is_binary_path(const std::filesystem::path& path) {
  const auto extension = path.extension().string();
  return extension == ".pb" || extension == ".bin";
}

void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream stream(path, std::ios::binary | std::ios::trunc);
  if (!stream) throw ArchitectureFileError(fmt::format("{}: cannot open for writing", path.string()));
  stream.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  stream.close();
  if (!stream) throw ArchitectureFileError(fmt::format("{}: write failed", path.string()));
}

}  // namespace

void parse_text_message(const std::string& text, const std::string& origin,
                        google::protobuf::Message& message) {
  FirstErrorCollector errors;
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text, &message)) {
    if (errors.has_error()) throw ArchitectureFileError(errors.describe(origin));
    throw ArchitectureFileError(fmt::format("{}: not a valid {} in text format", origin,
                                            message.GetDescriptor()->name()));
  }
}

std::string print_text_message(const google::protobuf::Message& message) {
  std::string text;
  google::protobuf::TextFormat::PrintToString(message, &text);
  return text;
}

std::string to_text_format(const Architecture& architecture) {
  return print_text_message(architecture.to_proto());
}

Architecture from_text_format(const std::string& text, const std::string& origin) {
  pb::Architecture proto;
  parse_text_message(text, origin, proto);
  return Architecture::from_proto(proto);
}

std::string to_binary(const Architecture& architecture) {
  std::string bytes;
  architecture.to_proto().SerializeToString(&bytes);
  return bytes;
}

Architecture from_binary(const std::string& bytes, const std::string& origin) {
  pb::Architecture proto;
  if (!proto.ParseFromString(bytes)) {
    throw ArchitectureFileError(fmt::format("{}: not a valid binary pinas.pb.Architecture", origin));
  }
  return Architecture::from_proto(proto);
}

void save_architecture(const Architecture& architecture, const std::filesystem::path& path) {
  write_file(path, is_binary_path(path) ? to_binary(architecture) : to_text_format(architecture));
}

void save_genotype(const pb::Genotype& genotype, const std::filesystem::path& path) {
  std::string bytes;
  if (is_binary_path(path)) {
    genotype.SerializeToString(&bytes);
  } else {
    bytes = print_text_message(genotype);
  }
  write_file(path, bytes);
}

std::string read_file(const std::filesystem::path& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    throw ArchitectureFileError(fmt::format("{}: is a directory", path.string()));
  }
  std::ifstream stream(path, std::ios::binary);
  if (!stream) throw ArchitectureFileError(fmt::format("{}: cannot open", path.string()));
  std::ostringstream contents;
  contents << stream.rdbuf();
  if (stream.bad()) throw ArchitectureFileError(fmt::format("{}: read failed", path.string()));
  return contents.str();
}

}  // namespace pinas::spaces
