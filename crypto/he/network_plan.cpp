#include "crypto/he/network_plan.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <tuple>
#include <unordered_map>

#include "crypto/he/he_error.h"

namespace pinas::he {

namespace {

std::uint64_t words_for_bits(std::uint64_t bits) {
  return (bits + 63) / 64;
}

std::uint64_t residue_bits(const HeParameters& parameters) {
  std::uint64_t bits = 0;
  for (std::uint64_t p : parameters.primes())
    bits += static_cast<std::uint64_t>(64 - __builtin_clzll(p));
  return bits;
}

// HeParameters::standard, cached: a cost-model query plans many networks,
// and the prime search and the guard's primality checks depend only on the
// arguments. HeParameters is immutable, so copies are shared safely.
HeParameters cached_standard(std::uint32_t plaintext_bits, std::size_t count,
                             const HeOptions& options) {
  using Key =
      std::tuple<std::uint32_t, std::size_t, std::size_t, int, double, double, std::uint32_t>;
  static std::mutex mutex;
  static std::map<Key, HeParameters> cache;
  const Key key{plaintext_bits,          count,
                options.degree,          options.prime_bits,
                options.error_sigma,     options.error_tail_sigmas,
                options.statistical_bits};
  {
    std::lock_guard lock(mutex);
    auto it = cache.find(key);
    if (it != cache.end()) return it->second;
  }
  HeParameters parameters = HeParameters::standard(plaintext_bits, count, options);
  std::lock_guard lock(mutex);
  cache.emplace(key, parameters);
  return parameters;
}

std::string format_double(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  return buffer;
}

}  // namespace

std::uint64_t input_ciphertext_bytes(const HeParameters& parameters) {
  return 8 * (2 + words_for_bits(parameters.degree() * residue_bits(parameters)));
}

std::uint64_t output_ciphertext_bytes(const HeParameters& parameters, std::uint64_t coefficients) {
  return 8 * words_for_bits((parameters.degree() + coefficients) * parameters.switched_bits());
}

PlannedLayer plan_layer(const std::string& node, const ConvShape& shape, std::uint32_t weight_bits,
                        const HeParameters& parameters) {
  const std::uint64_t input_bytes = input_ciphertext_bytes(parameters);
  // output_ciphertext_bytes() with N and k read once (the packing search calls it often).
  const std::uint64_t degree = parameters.degree(), k = parameters.switched_bits();
  const PackingCosts costs{
      input_bytes, [degree, k](std::uint64_t c) { return 8 * words_for_bits((degree + c) * k); }};
  PlannedLayer layer;
  layer.node = node;
  layer.shape = shape;
  try {
    layer.packing = ConvPacking::choose(shape, parameters.degree(), costs);
  } catch (const HeError& error) {
    throw HeError("node '" + node + "': " + error.what());
  }
  const std::uint64_t sent =
      static_cast<std::uint64_t>(shape.out_channels * shape.out_height * shape.out_width);
  layer.noise = layer_noise(parameters, layer.packing.kernel_terms, weight_bits, sent);
  layer.products = layer.packing.products(shape);
  layer.client_bytes = static_cast<std::uint64_t>(layer.packing.input_blocks) * input_bytes;
  for (std::int64_t j = 0; j < layer.packing.output_blocks; ++j) {
    layer.server_bytes +=
        output_ciphertext_bytes(parameters, layer.packing.block_coefficients(shape, j));
  }
  return layer;
}

namespace {

using ShapeKey = std::array<std::int64_t, 11>;

ShapeKey key_of(const ConvShape& s) {
  return {s.in_channels, s.in_height, s.in_width, s.out_channels, s.out_height, s.out_width,
          s.kernel,      s.stride,    s.padding,  s.dilation,     s.groups};
}

// Everything plan_layer() reads, as plain words: the shape, the weight bits
// and the parameters (N, up to three primes, t, the noise options). Flat, so
// a lookup neither allocates nor walks a tree of vectors.
struct PlanKey {
  ShapeKey shape{};
  std::array<std::uint64_t, 3> primes{};
  std::uint64_t degree = 0;
  std::uint32_t weight_bits = 0;
  std::uint32_t plaintext_bits = 0;
  std::uint32_t statistical_bits = 0;
  double error_sigma = 0;
  double error_tail_sigmas = 0;
  bool operator==(const PlanKey&) const = default;
};

// FNV-1a over 64-bit words, for the plan caches' flat keys.
class WordHash {
 public:
  void mix(std::uint64_t word) {
    hash_ ^= word;
    hash_ *= 0x100000001b3ULL;
  }
  void mix(const ShapeKey& shape) {
    for (std::int64_t v : shape) mix(static_cast<std::uint64_t>(v));
  }
  std::size_t value() const { return static_cast<std::size_t>(hash_); }

 private:
  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
};

struct ShapeKeyHash {
  std::size_t operator()(const ShapeKey& key) const noexcept {
    WordHash hash;
    hash.mix(key);
    return hash.value();
  }
};

struct PlanKeyHash {
  std::size_t operator()(const PlanKey& key) const noexcept {
    WordHash hash;
    hash.mix(key.shape);
    for (std::uint64_t p : key.primes) hash.mix(p);
    hash.mix(key.degree);
    hash.mix((std::uint64_t{key.weight_bits} << 40) ^ (std::uint64_t{key.plaintext_bits} << 20) ^
             key.statistical_bits);
    hash.mix(std::bit_cast<std::uint64_t>(key.error_sigma));
    hash.mix(std::bit_cast<std::uint64_t>(key.error_tail_sigmas));
    return hash.value();
  }
};

PlanKey plan_key(const ConvShape& shape, std::uint32_t weight_bits,
                 const HeParameters& parameters) {
  PlanKey key;
  key.shape = key_of(shape);
  const auto& primes = parameters.primes();
  if (primes.size() > key.primes.size())
    throw HeError("network plan: more than 3 primes are not planned");
  std::copy(primes.begin(), primes.end(), key.primes.begin());
  key.degree = parameters.degree();
  key.weight_bits = weight_bits;
  key.plaintext_bits = parameters.plaintext_bits();
  const HeOptions& options = parameters.options();
  key.statistical_bits = options.statistical_bits;
  key.error_sigma = options.error_sigma;
  key.error_tail_sigmas = options.error_tail_sigmas;
  return key;
}

// plan_layer() shared by every network this process plans: a batch of
// cost-model queries meets the same layer shapes under the same parameters
// candidate after candidate. The key holds everything plan_layer() reads.
// Bounded (cleared when full); failures are not kept. Thread-safe.
PlannedLayer shared_plan(const std::string& node, const ConvShape& shape, std::uint32_t weight_bits,
                         const HeParameters& parameters) {
  constexpr std::size_t kMaxPlans = 1 << 16;
  static std::mutex mutex;
  static std::unordered_map<PlanKey, PlannedLayer, PlanKeyHash> plans;
  const PlanKey key = plan_key(shape, weight_bits, parameters);
  {
    std::lock_guard lock(mutex);
    const auto found = plans.find(key);
    if (found != plans.end()) {
      PlannedLayer layer = found->second;
      layer.node = node;
      return layer;
    }
  }
  PlannedLayer layer = plan_layer(node, shape, weight_bits, parameters);
  std::lock_guard lock(mutex);
  if (plans.size() >= kMaxPlans) plans.clear();
  plans.emplace(key, layer);
  return layer;
}

// plan_layer() for the layers of one network under one parameter set,
// computed once per distinct shape (cells repeat their shapes many times).
class LayerPlanner {
 public:
  LayerPlanner(std::uint32_t weight_bits, const HeParameters& parameters)
      : weight_bits_(weight_bits), parameters_(parameters) {}
  PlannedLayer plan(const std::string& node, const ConvShape& shape) {
    const ShapeKey key = key_of(shape);
    auto it = plans_.find(key);
    if (it == plans_.end())
      it = plans_.emplace(key, shared_plan(node, shape, weight_bits_, parameters_)).first;
    PlannedLayer layer = it->second;
    layer.node = node;
    return layer;
  }

 private:
  std::uint32_t weight_bits_;
  const HeParameters& parameters_;
  std::unordered_map<ShapeKey, PlannedLayer, ShapeKeyHash> plans_;
};

}  // namespace

NetworkPlan plan_network(const std::vector<std::pair<std::string, ConvShape>>& layers,
                         std::uint32_t ring_bits, std::uint32_t weight_bits,
                         const HeOptions& options) {
  // The noise bound does not depend on q, only the packing's choice does
  // (slightly, through the byte costs): estimate the need under the largest
  // parameters (packing errors surface here, naming the layer), then take the
  // smallest q that holds every layer's plan under itself.
  const HeParameters largest = cached_standard(ring_bits, 3, options);
  LayerPlanner largest_planner(weight_bits, largest);
  double required = 0;
  std::string worst = "(none)";
  for (const auto& [node, shape] : layers) {
    LayerNoise noise = largest_planner.plan(node, shape).noise;
    if (!noise.fits()) {
      // Over budget even here: the need of the byte-blind packing, as reported below.
      const PackingChoice blind = ConvPacking::choose(
          shape, options.degree, PackingCosts{1, [](std::uint64_t c) { return c + 1; }});
      noise = layer_noise(
          largest, blind.kernel_terms, weight_bits,
          static_cast<std::uint64_t>(shape.out_channels * shape.out_height * shape.out_width));
    }
    if (noise.required_log_q(ring_bits) > required) {
      required = noise.required_log_q(ring_bits);
      worst = node;
    }
  }
  // Decryption after switching needs p0·p1 > 2^(k + log2 N + 2).
  const int log_n = static_cast<int>(std::log2(static_cast<double>(options.degree)));
  const int minimum_bits = static_cast<int>(largest.switched_bits() + log_n + 3 + 1) / 2;
  std::vector<std::pair<int, std::size_t>> candidates;  // (total bits, prime count)
  for (std::size_t count : {std::size_t{2}, std::size_t{3}}) {
    for (int bits = std::max(minimum_bits, 30); bits <= options.prime_bits; ++bits) {
      if (bits * static_cast<int>(count) >= required)
        candidates.emplace_back(bits * static_cast<int>(count), count);
    }
  }
  std::sort(candidates.begin(), candidates.end());
  for (const auto& [total, count] : candidates) {
    HeOptions sized = options;
    sized.prime_bits = total / static_cast<int>(count);
    std::optional<HeParameters> parameters;
    try {
      parameters.emplace(cached_standard(ring_bits, count, sized));
    } catch (const HeError&) {
      continue;  // beyond the security table, or no primes of that size
    }
    NetworkPlan result{*parameters, {}};
    result.layers.reserve(layers.size());
    LayerPlanner planner(weight_bits, *parameters);
    bool fits = true;
    for (const auto& [node, shape] : layers) {
      result.layers.push_back(planner.plan(node, shape));
      if (!result.layers.back().noise.fits()) {
        fits = false;  // some layer is over this q's budget: try the next
        break;
      }
    }
    if (fits) return result;
  }
  throw HeError(
      "node '" + worst + "': its homomorphic products need log2 q >= " + format_double(required) +
      ", more than the largest parameters allowed at N = " + std::to_string(options.degree) + " (" +
      std::to_string(3 * options.prime_bits) +
      " bits); lower ℓ or weight_bits, or use --linear ot");
}

}  // namespace pinas::he
