#include "search_spaces/fixed_point_rules.h"

#include <bit>

namespace pinas::spaces {

FixedPointRules::PoolScaling FixedPointRules::pool_scaling(std::uint64_t window) const {
  if (std::has_single_bit(window) && std::countr_zero(window) <= fractional_bits) {
    return {std::countr_zero(window), false};
  }
  return {fractional_bits, true};
}

}  // namespace pinas::spaces
