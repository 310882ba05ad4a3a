#pragma once

#include <charconv>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "search_spaces/detail/network_builder.h"
#include "search_spaces/errors.h"

namespace pinas::spaces::detail {

// A uniform integer in [low, high] (inclusive).
inline std::int64_t uniform(std::mt19937_64& random, std::int64_t low, std::int64_t high) {
  return std::uniform_int_distribution<std::int64_t>(low, high)(random);
}

// A fair coin.
inline bool coin(std::mt19937_64& random) { return uniform(random, 0, 1) == 1; }

// Splits on `separator`, keeping empty parts.
std::vector<std::string_view> split(std::string_view text, char separator);

// Parses a whole non-negative decimal integer; throws SpaceError naming `what`.
std::int64_t parse_integer(std::string_view text, std::string_view what);

// The classifier: global average pool -> linear (num_classes) -> OUTPUT.
void classifier_head(NetworkBuilder& builder, Tensor features, std::int64_t num_classes);

// Requires a positive input shape and class count; throws SpaceError.
void check_build_arguments(std::string_view space, Shape input, std::int64_t num_classes);

}  // namespace pinas::spaces::detail
