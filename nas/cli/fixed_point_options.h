#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "crypto/pi/fixed_point_config.h"
#include "crypto/pi/fixed_point_network.h"

namespace pinas::cli {

// The fixed-point options every private-inference command takes (`serve`,
// `eval --fixed-point`, `pi reference`, `pi accuracy`, `bench pi`), with the
// defaults of pi::FixedPointConfig so that a plain `pinas serve` and a plain
// `pinas eval --fixed-point` always agree.
struct FixedPointOptions {
  unsigned ring_bits = pi::FixedPointConfig{}.ring_bits;
  unsigned fractional_bits = pi::FixedPointConfig{}.fractional_bits;
  unsigned scale_limit = 0, weight_bits = 0;
  int circa = -1;  // Circa's dropped bits k; -1: exact ReLUs
  // The linear-layer preprocessing backend: "he" (the default) or "ot".
  std::string linear =
      pi::FixedPointConfig{}.linear_backend == pi::LinearBackend::kHe ? "he" : "ot";

  // Returns the validated configuration; throws pi::UsageError naming the
  // field that is out of range.
  pi::FixedPointConfig config() const;
};

// Adds --ring-bits, --fractional-bits, --scale-limit, --weight-bits,
// --circa and --linear to `command`, bound to `options` (which must outlive it).
void add_fixed_point_options(CLI::App* command, FixedPointOptions& options);

struct FixedPointAccuracy {
  std::size_t images = 0;
  std::size_t correct = 0;
  // The fewest unused high bits of the ring over every tensor of every image:
  // ℓ − 1 − bits(max |x|). Overflow wraps silently in Z_{2^ℓ}, so a headroom
  // near zero says ℓ is too small for this model (a wrapped value usually
  // looks large, so overflow also shows as headroom near zero).
  int headroom_bits = 0;
  // Where that minimum is: the IR node producing the tensor ("input" for the
  // input) and the tensor's fixed-point scale.
  std::string tightest_node;
  std::uint32_t tightest_scale = 0;
  double accuracy() const {
    return images == 0 ? 0.0 : static_cast<double>(correct) / static_cast<double>(images);
  }
};

// The test accuracy of the plaintext fixed-point reference, which computes
// bit for bit what `pinas serve` / `pinas infer` compute. With Circa, its
// randomized sign test is simulated exactly, image i from seed `seed + i`, so
// the result does not depend on `threads` (0: one per core). `pixels(i)`
// returns image i in the network's input shape with values in [0, 1];
// `label(i)` its class. Both are called from several threads at once.
// Rethrows the first error any image raised. Also measures headroom_bits.
FixedPointAccuracy measure_fixed_point_accuracy(
    const pi::FixedPointNetwork& network, std::size_t images,
    const std::function<std::vector<float>(std::size_t)>& pixels,
    const std::function<std::int64_t(std::size_t)>& label, std::uint64_t seed, unsigned threads);

}  // namespace pinas::cli
