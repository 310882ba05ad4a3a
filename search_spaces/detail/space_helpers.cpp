#include "search_spaces/detail/space_helpers.h"

#include <fmt/format.h>

namespace pinas::spaces::detail {

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    if (end == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

std::int64_t parse_integer(std::string_view text, std::string_view what) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size() || value < 0) {
    throw SpaceError(fmt::format("{}: '{}' is not a non-negative integer", what, text));
  }
  return value;
}

void classifier_head(NetworkBuilder& builder, Tensor features, std::int64_t num_classes) {
  auto scope = builder.scope("head");
  Tensor pooled = builder.global_avg_pool(features);
  Tensor logits = builder.linear(pooled, num_classes);
  builder.output(logits);
}

void check_build_arguments(std::string_view space, Shape input, std::int64_t num_classes) {
  if (input.channels <= 0 || input.height <= 0 || input.width <= 0) {
    throw SpaceError(fmt::format("{}: input shape {} is not positive", space, input.to_string()));
  }
  if (num_classes <= 0) {
    throw SpaceError(fmt::format("{}: num_classes must be positive, is {}", space, num_classes));
  }
}

}  // namespace pinas::spaces::detail
