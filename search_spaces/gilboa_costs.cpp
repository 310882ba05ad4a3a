#include "search_spaces/gilboa_costs.h"

namespace pinas::spaces {

GilboaCosts gilboa_costs(std::uint64_t inputs, std::uint64_t weights, std::uint64_t macs,
                         std::uint64_t ring_bits, std::uint64_t weight_bits) {
  GilboaCosts costs;
  costs.input_ots = inputs * ring_bits;
  costs.weight_ots = weights * weight_bits;
  costs.input_bits_per_use = ring_bits * (ring_bits + 1) / 2;
  costs.weight_bits_per_use = weight_bits * ring_bits - weight_bits * (weight_bits - 1) / 2;
  costs.input_bytes = 16 * costs.input_ots + macs * costs.input_bits_per_use / 8;
  costs.weight_bytes = 16 * costs.weight_ots + macs * costs.weight_bits_per_use / 8;
  return costs;
}

}  // namespace pinas::spaces
