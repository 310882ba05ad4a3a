#pragma once

#include <cstdint>
#include <vector>

#include "crypto/pi/detail/ring.h"
#include "crypto/pi/fixed_point_network.h"

namespace pinas::pi::detail {

// Applies `step` to `tensors` when it is a local linear step (pool, add,
// concat, reshape, zero): on plaintext values or on either party's additive
// shares alike. Returns false, doing nothing, for any other step. The output
// tensor is (re)allocated. Thread-safe on distinct `tensors`.
bool apply_local_step(const FixedPointNetwork& network, const Step& step,
                      std::vector<std::vector<std::uint64_t>>& tensors, const Ring& ring);

}  // namespace pinas::pi::detail
