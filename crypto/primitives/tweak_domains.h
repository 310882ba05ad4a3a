#pragma once

#include <cstdint>

#include "crypto/primitives/block.h"

namespace pinas::crypto {

// The one place that says which tweaks of the correlation-robust hash
// (CorrelationRobustHash, H(x, tweak) = π(σ(x) ⊕ tweak) ⊕ σ(x)) each protocol
// uses. A tweak is a Block whose high 64 bits name the domain and whose low
// 64 bits are the index inside it, so tweaks of two domains never collide,
// whatever their indices:
//
//   kHalfGates       garbled AND gates (every circuit of a session: ReLU,
//                    truncation, max pool and Circa's sign circuit, garbled
//                    by the session's one Garbler). Gate t of a Garbler uses
//                    indices 2t and 2t + 1; t keeps increasing over the
//                    Garbler's lifetime, so no two gates share one.
//   kOtExtension     IKNP OT extension rows: the evaluator's input labels and
//                    the Gilboa products. Row r of an extension instance uses
//                    index r; rows keep increasing across calls. Instances in
//                    this domain run on independent base-OT keys.
//   kCircaReverseOt  Circa's reverse-direction IKNP (the evaluator sends),
//                    rows as above.
//
// Domain 0 (plain integer tweaks, CorrelationRobustHash::hash(x, uint64_t))
// is left to tests and tools; no protocol uses it.
enum class TweakDomain : std::uint64_t {
  kHalfGates = 1,
  kOtExtension = 2,
  kCircaReverseOt = 3,
};

// The tweak of `index` in `domain`. Thread-safe (pure).
inline Block domain_tweak(TweakDomain domain, std::uint64_t index) {
  return Block::from_uint64(static_cast<std::uint64_t>(domain), index);
}

}  // namespace pinas::crypto
