#include "search_spaces/search_space.h"

#include <fmt/format.h>

#include <optional>

#include "search_spaces/cryptonas_space.h"
#include "search_spaces/detail/network_builder.h"
#include "search_spaces/detail/space_helpers.h"
#include "search_spaces/nb201_space.h"
#include "search_spaces/resnet_space.h"
#include "search_spaces/sphynx_space.h"

namespace pinas::spaces {

std::string SpaceSize::to_string() const {
  if (exact) {
    // Thousands separators, e.g. 15,625.
    std::string digits = std::to_string(*exact);
    std::string grouped;
    for (std::size_t i = 0; i < digits.size(); ++i) {
      if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
      grouped += digits[i];
    }
    return grouped;
  }
  return fmt::format("{:.3g}", approximate);
}

Architecture SearchSpace::build(const pb::Genotype& genotype, Shape input,
                                std::int64_t num_classes) const {
  check(genotype);
  detail::check_build_arguments(name(), input, num_classes);
  Architecture architecture(name(), num_classes);
  architecture.set_space(name());
  architecture.set_genotype(describe(genotype));
  detail::NetworkBuilder builder(&architecture);
  emit(genotype, input, num_classes, builder);
  return architecture;
}

CostTotals SearchSpace::count(const pb::Genotype& genotype, Shape input,
                              std::int64_t num_classes) const {
  check(genotype);
  detail::check_build_arguments(name(), input, num_classes);
  detail::NetworkBuilder builder(nullptr);
  emit(genotype, input, num_classes, builder);
  return builder.totals();
}

std::vector<std::string> search_space_names() { return {"cryptonas", "sphynx", "nb201", "resnet"}; }

std::unique_ptr<SearchSpace> make_search_space(std::string_view name) {
  if (name == "cryptonas") return std::make_unique<CryptoNasSpace>();
  if (name == "sphynx") return std::make_unique<SphynxSpace>();
  if (name == "nb201") return std::make_unique<Nb201Space>();
  if (name == "resnet") return std::make_unique<ResNetSpace>();
  throw SpaceError(fmt::format("unknown search space '{}' (known: {})", name,
                               fmt::join(search_space_names(), ", ")));
}

std::string genotype_space(const pb::Genotype& genotype) {
  switch (genotype.space_case()) {
    case pb::Genotype::kCryptonas: return "cryptonas";
    case pb::Genotype::kSphynx: return "sphynx";
    case pb::Genotype::kNb201: return "nb201";
    case pb::Genotype::kResnet: return "resnet";
    default: return "";
  }
}

std::unique_ptr<SearchSpace> make_search_space(const pb::Genotype& genotype) {
  const std::string space = genotype_space(genotype);
  if (space.empty()) {
    throw SpaceError(fmt::format("the genotype sets none of the spaces ({})",
                                 fmt::join(search_space_names(), ", ")));
  }
  return make_search_space(space);
}

std::string genotype_key(const pb::Genotype& genotype) {
  const auto space = make_search_space(genotype);
  std::string key = space->name() + ":" + space->describe(genotype);
  if (genotype.has_input_shape() || genotype.num_classes() != 0) {
    key += fmt::format("@{}/{}", Shape::from_proto(genotype.input_shape()).to_string(),
                       genotype.num_classes());
  }
  return key;
}

namespace {

// A positive decimal integer, all of `text`, or nothing.
std::optional<std::int64_t> positive_integer(std::string_view text) {
  if (text.empty() || text.size() > 12) return std::nullopt;
  std::int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value > 0 ? std::optional<std::int64_t>(value) : std::nullopt;
}

}  // namespace

pb::Genotype parse_genotype_key(std::string_view key) {
  const auto colon = key.find(':');
  if (colon == std::string_view::npos) {
    throw SpaceError(fmt::format("genotype '{}': expected <space>:<genotype> (spaces: {})", key,
                                 fmt::join(search_space_names(), ", ")));
  }
  std::string_view description = key.substr(colon + 1);
  std::string_view suffix;
  if (const auto at = description.rfind('@'); at != std::string_view::npos) {
    suffix = description.substr(at + 1);
    description = description.substr(0, at);
  }
  pb::Genotype genotype = make_search_space(key.substr(0, colon))->parse(description);
  if (!suffix.empty() || key.back() == '@') {
    // CxHxW/classes
    const auto slash = suffix.find('/');
    const auto x1 = suffix.find('x');
    const auto x2 = x1 == std::string_view::npos ? x1 : suffix.find('x', x1 + 1);
    std::optional<std::int64_t> c, h, w, classes;
    if (slash != std::string_view::npos && x2 != std::string_view::npos && x2 < slash) {
      c = positive_integer(suffix.substr(0, x1));
      h = positive_integer(suffix.substr(x1 + 1, x2 - x1 - 1));
      w = positive_integer(suffix.substr(x2 + 1, slash - x2 - 1));
      classes = positive_integer(suffix.substr(slash + 1));
    }
    if (!c || !h || !w || !classes) {
      throw SpaceError(fmt::format("genotype '{}': expected @CxHxW/<classes> after the genotype, got '@{}'",
                                   key, suffix));
    }
    *genotype.mutable_input_shape() = Shape{*c, *h, *w}.to_proto();
    genotype.set_num_classes(*classes);
  }
  return genotype;
}

pb::Genotype genotype_of(const Architecture& architecture) {
  if (architecture.space().empty()) {
    throw SpaceError(fmt::format("architecture '{}' does not come from a search space", architecture.name()));
  }
  pb::Genotype genotype = make_search_space(architecture.space())->parse(architecture.genotype());
  *genotype.mutable_input_shape() = architecture.node(architecture.input_node()).input_shape.to_proto();
  genotype.set_num_classes(architecture.num_classes());
  return genotype;
}

Architecture build_genotype(const pb::Genotype& genotype) {
  const auto space = make_search_space(genotype);
  Shape input = kDefaultInputShape;
  if (genotype.has_input_shape()) input = Shape::from_proto(genotype.input_shape());
  const std::int64_t classes = genotype.num_classes() != 0 ? genotype.num_classes() : kDefaultNumClasses;
  return space->build(genotype, input, classes);
}

}  // namespace pinas::spaces
