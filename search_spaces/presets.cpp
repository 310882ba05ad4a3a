#include "search_spaces/presets.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>

#include "search_spaces/architecture_io.h"
#include "search_spaces/cryptonas_space.h"
#include "search_spaces/model_file.h"
#include "search_spaces/nb201_space.h"
#include "search_spaces/resnet_space.h"
#include "search_spaces/search_space.h"
#include "search_spaces/sphynx_space.h"

namespace pinas::spaces {
namespace {

pb::Genotype with_input(pb::Genotype genotype, Shape input, std::int64_t classes) {
  *genotype.mutable_input_shape() = input.to_proto();
  genotype.set_num_classes(classes);
  return genotype;
}

pb::Genotype sphynx_c10() {
  return SphynxSpace().parse(
      "N8-C16-R3.6:normal=conv_3x3~0,skip~1|conv_3x3~1,avg_pool_3x3~2|dil_conv_3x3~0,conv_5x5~3|"
      "skip~2,conv_3x3~4;reduce=conv_5x5~0,avg_pool_3x3~1|conv_3x3~1,skip~2|"
      "dil_conv_5x5~0,conv_3x3~3|conv_3x3~2,skip~4");
}

const std::map<std::string, std::function<pb::Genotype()>, std::less<>>& presets() {
  static const std::map<std::string, std::function<pb::Genotype()>, std::less<>> table{
      {"resnet18-cifar", [] { return with_input(ResNetSpace::standard(pb::RESNET_18), {3, 32, 32}, 10); }},
      {"resnet20-cifar", [] { return with_input(ResNetSpace::standard(pb::RESNET_20), {3, 32, 32}, 10); }},
      {"resnet32-cifar", [] { return with_input(ResNetSpace::standard(pb::RESNET_32), {3, 32, 32}, 10); }},
      {"resnet34-cifar", [] { return with_input(ResNetSpace::standard(pb::RESNET_34), {3, 32, 32}, 10); }},
      {"resnet56-cifar", [] { return with_input(ResNetSpace::standard(pb::RESNET_56), {3, 32, 32}, 10); }},
      {"cryptonas-cnet1",
       [] { return with_input(CryptoNasSpace::plain(6, 14, pb::CRYPTONAS_CONV_3X3), {3, 32, 32}, 10); }},
      {"cryptonas-fmnist",
       [] { return with_input(CryptoNasSpace::plain(6, 16, pb::CRYPTONAS_CONV_3X3), {1, 28, 28}, 10); }},
      {"nb201-resnet",
       [] {
         return with_input(Nb201Space().parse("|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|"
                                              "none~1|skip_connect~2|"),
                           {3, 32, 32}, 10);
       }},
      {"sphynx-c10", [] { return with_input(sphynx_c10(), {3, 32, 32}, 10); }},
  };
  return table;
}

bool looks_like_text(const std::string& bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 || c == '\n' || c == '\r' || c == '\t';
  });
}

// Text: whichever message type parses; when neither does, the error of the
// one that got further (its first error is later in the file).
struct ParsedFile {
  std::optional<pb::Architecture> architecture;
  std::optional<pb::Genotype> genotype;
};

std::pair<int, int> error_position(const std::string& message, const std::string& origin) {
  // "<origin>:<line>:<column>: ..."
  int line = 0, column = 0;
  std::sscanf(message.c_str() + std::min(message.size(), origin.size()), ":%d:%d", &line, &column);
  return {line, column};
}

ParsedFile parse_file(const std::string& path) {
  const std::string bytes = read_file(path);
  ParsedFile parsed;
  if (bytes.size() >= 8 && bytes.compare(0, 8, "PINASMDL") == 0) {
    parsed.architecture = read_model_file(path).architecture();
    return parsed;
  }
  if (looks_like_text(bytes)) {
    pb::Architecture architecture;
    pb::Genotype genotype;
    std::string architecture_error, genotype_error;
    try {
      parse_text_message(bytes, path, architecture);
      parsed.architecture = architecture;
      return parsed;
    } catch (const ArchitectureFileError& error) {
      architecture_error = error.what();
    }
    try {
      parse_text_message(bytes, path, genotype);
      parsed.genotype = genotype;
      return parsed;
    } catch (const ArchitectureFileError& error) {
      genotype_error = error.what();
    }
    const bool genotype_further = error_position(genotype_error, path) > error_position(architecture_error, path);
    throw ArchitectureFileError(genotype_further
                                    ? genotype_error + " (reading a pinas.pb.Genotype)"
                                    : architecture_error + " (reading a pinas.pb.Architecture)");
  }
  // Binary: the two schemas can parse each other's bytes, so each candidate
  // must also make sense (named nodes with known ops; a genotype its space
  // accepts) and exactly one kind is taken, the genotype when both do.
  pb::Genotype genotype;
  if (genotype.ParseFromString(bytes) && genotype.space_case() != pb::Genotype::SPACE_NOT_SET &&
      genotype.GetReflection()->GetUnknownFields(genotype).empty()) {
    try {
      make_search_space(genotype)->check(genotype);
      parsed.genotype = genotype;
      return parsed;
    } catch (const SpaceError&) {
    }
  }
  pb::Architecture architecture;
  if (architecture.ParseFromString(bytes) && architecture.nodes_size() > 0 &&
      architecture.GetReflection()->GetUnknownFields(architecture).empty() &&
      std::all_of(architecture.nodes().begin(), architecture.nodes().end(), [](const pb::Node& node) {
        return !node.name().empty() && node.op() != pb::OP_UNKNOWN && pb::OpType_IsValid(node.op()) &&
               node.GetReflection()->GetUnknownFields(node).empty();
      })) {
    parsed.architecture = architecture;
    return parsed;
  }
  throw ArchitectureFileError(fmt::format(
      "{}: neither a text nor a binary pinas.pb.Architecture or pinas.pb.Genotype", path));
}

}  // namespace

std::vector<std::string> preset_names() {
  std::vector<std::string> names;
  for (const auto& entry : presets()) names.push_back(entry.first);
  return names;
}

pb::Genotype preset_genotype(std::string_view name) {
  const auto found = presets().find(name);
  if (found == presets().end()) {
    throw SpaceError(fmt::format("unknown preset '{}' (known: {})", name, fmt::join(preset_names(), ", ")));
  }
  return found->second();
}

Architecture make_preset(std::string_view name) {
  Architecture architecture = build_genotype(preset_genotype(name));
  architecture.set_name(std::string(name));
  return architecture;
}

pb::Genotype load_genotype(const std::string& path) {
  const ParsedFile parsed = parse_file(path);
  if (!parsed.genotype) throw ArchitectureFileError(fmt::format("{}: holds an architecture, not a genotype", path));
  return *parsed.genotype;
}

Architecture load_architecture(const std::string& preset_or_path) {
  if (presets().count(preset_or_path) != 0) return make_preset(preset_or_path);
  std::error_code error;
  if (!std::filesystem::exists(preset_or_path, error)) {
    // A genotype key as `pinas top` prints it ("sphynx:N5-C5-R0.1:normal=...").
    // Only a known space's prefix makes it one, so a mistyped file name still
    // gets the "neither a preset nor a file" message.
    const auto colon = preset_or_path.find(':');
    if (colon != std::string::npos) {
      const auto names = search_space_names();
      if (std::find(names.begin(), names.end(), preset_or_path.substr(0, colon)) != names.end()) {
        Architecture architecture = build_genotype(parse_genotype_key(preset_or_path));
        if (architecture.name().empty()) architecture.set_name(architecture.space());
        return architecture;
      }
    }
    throw SpaceError(fmt::format(
        "'{}' is neither a preset ({}), a genotype key (<space>:<genotype>, spaces {}) "
        "nor an existing file",
        preset_or_path, fmt::join(preset_names(), ", "), fmt::join(search_space_names(), ", ")));
  }
  const ParsedFile parsed = parse_file(preset_or_path);
  if (parsed.architecture) return Architecture::from_proto(*parsed.architecture);
  try {
    Architecture architecture = build_genotype(*parsed.genotype);
    if (architecture.name().empty() || architecture.name() == architecture.space()) {
      architecture.set_name(std::filesystem::path(preset_or_path).stem().string());
    }
    return architecture;
  } catch (const SpaceError& error) {
    throw SpaceError(fmt::format("{}: {}", preset_or_path, error.what()));
  }
}

}  // namespace pinas::spaces
