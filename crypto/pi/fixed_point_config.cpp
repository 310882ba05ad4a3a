#include "crypto/pi/fixed_point_config.h"

#include <fmt/format.h>

#include "crypto/pi/pi_error.h"

namespace pinas::pi {

void FixedPointConfig::validate() const {
  if (ring_bits < 16 || ring_bits > 64) {
    throw UsageError(fmt::format("fixed point: ring_bits must be in 16..64, got {}", ring_bits));
  }
  if (fractional_bits < 1 || 3 * fractional_bits > ring_bits) {
    throw UsageError(fmt::format(
        "fixed point: fractional_bits must be in 1..ring_bits/3 ({}), got {}", ring_bits / 3,
        fractional_bits));
  }
  std::uint32_t limit = effective_scale_limit();
  if (limit < 2 * fractional_bits || limit >= ring_bits) {
    throw UsageError(fmt::format(
        "fixed point: scale_limit must be in 2·f..ring_bits-1 ({}..{}), got {}",
        2 * fractional_bits, ring_bits - 1, limit));
  }
  std::uint32_t weights = effective_weight_bits();
  if (weights < 2 || weights > ring_bits) {
    throw UsageError(
        fmt::format("fixed point: weight_bits must be in 2..ring_bits, got {}", weights));
  }
  if (relu_mode == ReluMode::kCirca && circa_dropped_bits + 2 > ring_bits) {
    throw UsageError(fmt::format("fixed point: circa_dropped_bits must be at most ring_bits-2, got {}",
                                 circa_dropped_bits));
  }
}

std::string FixedPointConfig::to_string() const {
  std::string relu = relu_mode == ReluMode::kExact
                         ? std::string("exact")
                         : fmt::format("circa(k={})", circa_dropped_bits);
  return fmt::format("ring={} f={} limit={} weights={} relu={} linear={}", ring_bits, fractional_bits,
                     effective_scale_limit(), effective_weight_bits(), relu,
                     linear_backend == LinearBackend::kHe ? "he" : "ot");
}

}  // namespace pinas::pi
