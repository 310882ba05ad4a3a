#include "cost_models/protocol_traffic.h"

#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "crypto/circuits/share_circuits.h"
#include "crypto/he/network_plan.h"
#include "search_spaces/gilboa_costs.h"

namespace pinas::cost {
namespace {

using Kind = GarbledBatchFeatures::Kind;

// Constants of the runtime's messages (crypto/ot, crypto/net, crypto/gc,
// crypto/pi/detail/gilboa.h).
constexpr std::uint64_t kIknpChunkRows = std::uint64_t{1} << 14;
constexpr std::uint64_t kBlockBytes = 16;
constexpr std::uint64_t kBaseOtBytes = 32 + 128 * 32;  // A, then 128 points B
constexpr std::uint64_t kGilboaChunkBits = std::uint64_t{8} << 20;
constexpr std::uint64_t kFingerprintLength = 16;

std::uint64_t digits(std::uint64_t value) {
  return std::to_string(value).size();
}

// IKNP extension of `count` OTs: the receiver sends 128 columns of the
// chunk's rows, each chunk padded to a multiple of 128 rows.
std::uint64_t iknp_bytes(std::uint64_t count) {
  const std::uint64_t rest = count % kIknpChunkRows;
  return kBlockBytes * (count - rest + (rest + 127) / 128 * 128);
}

// Both parties send magic, version, ring bits, security parameter and the
// circuit id (a length and its bytes).
std::uint64_t handshake_bytes(std::uint64_t id_length) {
  return 2 * (8 + 3 * 8 + 8 + id_length);
}

struct CircuitFacts {
  std::uint64_t and_gates = 0;
  std::uint64_t garbler_width = 0;  // wires of the garbler's share group per copy
};

CircuitFacts circuit_facts(Kind kind, int ring_bits, int window, int shift, int dropped_bits) {
  static std::mutex mutex;
  static std::map<std::tuple<int, int, int, int>, CircuitFacts> cache;
  const int parameter = kind == Kind::kCirca ? dropped_bits : shift;
  const auto key = std::make_tuple(static_cast<int>(kind), ring_bits, window, parameter);
  {
    std::lock_guard lock(mutex);
    auto it = cache.find(key);
    if (it != cache.end()) return it->second;
  }
  const auto bits = static_cast<std::uint32_t>(ring_bits);
  const auto circuit = [&] {
    switch (kind) {
      case Kind::kRelu:
        return crypto::relu_circuit(bits, static_cast<std::uint32_t>(shift));
      case Kind::kTruncation:
        return crypto::truncation_circuit(bits, static_cast<std::uint32_t>(shift));
      case Kind::kMaxPool:
        return crypto::max_pool_circuit(bits, static_cast<std::uint32_t>(window),
                                        static_cast<std::uint32_t>(shift), false);
      case Kind::kCirca:
        break;
    }
    return crypto::circa_sign_circuit(bits, static_cast<std::uint32_t>(dropped_bits));
  }();
  const CircuitFacts facts{circuit.and_count(), circuit.input_sizes().at(0)};
  std::lock_guard lock(mutex);
  cache.emplace(key, facts);
  return facts;
}

// Packed correction words of a run of OTs: `repetitions` times the block of
// units `lengths`, each unit `per_unit` OTs j = 0.. of length·(ℓ - j) bits.
// Mirrors detail::chunk_end: a chunk closes after the OT that brings it to
// 2^23 bits or more, and each chunk is sent in whole 64-bit words.
std::uint64_t correction_words(const std::vector<std::uint64_t>& lengths, std::uint64_t per_unit,
                               std::uint64_t ring_bits, std::uint64_t repetitions) {
  const std::uint64_t factor = per_unit * ring_bits - per_unit * (per_unit - 1) / 2;
  std::uint64_t block_bits = 0;
  for (std::uint64_t length : lengths) block_bits += length * factor;
  if (block_bits == 0 || repetitions == 0) return 0;
  std::uint64_t bits = 0, words = 0;
  const auto close = [&] {
    words += (bits + 63) / 64;
    bits = 0;
  };
  while (repetitions > 0) {
    if (bits + block_bits < kGilboaChunkBits) {
      const std::uint64_t whole = std::min(repetitions, (kGilboaChunkBits - 1 - bits) / block_bits);
      bits += whole * block_bits;
      repetitions -= whole;
      if (repetitions == 0) break;
    }
    for (std::uint64_t length : lengths) {
      const std::uint64_t unit_bits = length * factor;
      if (bits + unit_bits < kGilboaChunkBits) {
        bits += unit_bits;
        continue;
      }
      for (std::uint64_t j = 0; j < per_unit; ++j) {
        bits += length * (ring_bits - j);
        if (bits >= kGilboaChunkBits) close();
      }
    }
    --repetitions;
  }
  if (bits > 0) close();
  return words;
}

// For each kernel offset along one axis: output positions whose input is in range.
std::vector<std::uint64_t> valid_per_tap(std::int64_t kernel, std::int64_t out, std::int64_t in,
                                         std::int64_t stride, std::int64_t padding,
                                         std::int64_t dilation) {
  std::vector<std::uint64_t> counts(static_cast<std::size_t>(kernel), 0);
  for (std::int64_t k = 0; k < kernel; ++k) {
    for (std::int64_t o = 0; o < out; ++o) {
      const std::int64_t i = o * stride - padding + k * dilation;
      if (i >= 0 && i < in) ++counts[static_cast<std::size_t>(k)];
    }
  }
  return counts;
}

// For each input position along one axis: the (output, kernel offset) pairs using it.
std::vector<std::uint64_t> uses_per_input(std::int64_t kernel, std::int64_t out, std::int64_t in,
                                          std::int64_t stride, std::int64_t padding,
                                          std::int64_t dilation) {
  std::vector<std::uint64_t> counts(static_cast<std::size_t>(in), 0);
  for (std::int64_t o = 0; o < out; ++o) {
    for (std::int64_t k = 0; k < kernel; ++k) {
      const std::int64_t i = o * stride - padding + k * dilation;
      if (i >= 0 && i < in) ++counts[static_cast<std::size_t>(i)];
    }
  }
  return counts;
}

struct GilboaTraffic {
  std::uint64_t ots = 0;
  std::uint64_t correction_bytes = 0;
};

GilboaTraffic gilboa_traffic(const LinearLayerGeometry& g, const ProtocolParameters& parameters) {
  using Key = std::tuple<std::int64_t, std::int64_t, std::int64_t, std::int64_t, std::int64_t,
                         std::int64_t, int, int, int, int, int, int, int>;
  static std::mutex mutex;
  static std::map<Key, GilboaTraffic> cache;
  const Key key{g.input.channels,
                g.input.height,
                g.input.width,
                g.output.channels,
                g.output.height,
                g.output.width,
                g.kernel,
                g.stride,
                g.padding,
                g.dilation,
                g.groups,
                parameters.ring_bits,
                parameters.effective_weight_bits()};
  {
    std::lock_guard lock(mutex);
    auto it = cache.find(key);
    if (it != cache.end()) return it->second;
  }
  const auto ring = static_cast<std::uint64_t>(parameters.ring_bits);
  const auto weight_bits = static_cast<std::uint64_t>(parameters.effective_weight_bits());
  const spaces::GilboaCosts costs = spaces::gilboa_costs(
      static_cast<std::uint64_t>(g.input.elements()), static_cast<std::uint64_t>(g.weights()),
      static_cast<std::uint64_t>(g.macs()), ring, weight_bits);
  const std::int64_t in_per_group = g.input.channels / g.groups;
  const std::int64_t out_per_group = g.output.channels / g.groups;
  GilboaTraffic traffic;
  std::vector<std::uint64_t> lengths;
  if (costs.weight_side_cheaper()) {
    // OT t = weight·b + j, weights ordered (o, ci, ky, kx): the taps repeat.
    const auto rows =
        valid_per_tap(g.kernel, g.output.height, g.input.height, g.stride, g.padding, g.dilation);
    const auto columns =
        valid_per_tap(g.kernel, g.output.width, g.input.width, g.stride, g.padding, g.dilation);
    for (std::uint64_t vy : rows) {
      for (std::uint64_t vx : columns) lengths.push_back(vy * vx);
    }
    traffic.ots = costs.weight_ots;
    traffic.correction_bytes =
        8 * correction_words(lengths, weight_bits, ring,
                             static_cast<std::uint64_t>(g.output.channels * in_per_group));
  } else {
    // OT t = input·ℓ + j, inputs ordered (c, y, x): the channel plane repeats.
    const auto rows =
        uses_per_input(g.kernel, g.output.height, g.input.height, g.stride, g.padding, g.dilation);
    const auto columns =
        uses_per_input(g.kernel, g.output.width, g.input.width, g.stride, g.padding, g.dilation);
    for (std::uint64_t uy : rows) {
      for (std::uint64_t ux : columns)
        lengths.push_back(static_cast<std::uint64_t>(out_per_group) * uy * ux);
    }
    traffic.ots = costs.input_ots;
    traffic.correction_bytes =
        8 * correction_words(lengths, ring, ring, static_cast<std::uint64_t>(g.input.channels));
  }
  std::lock_guard lock(mutex);
  cache.emplace(key, traffic);
  return traffic;
}

// Offline bytes of `count` element-wise products (ℓ OTs each, one value per OT).
std::uint64_t elementwise_bytes(std::uint64_t count, std::uint64_t ring) {
  return iknp_bytes(count * ring) + 8 * correction_words({1}, ring, ring, count);
}

he::ConvShape shape_of(const LinearLayerGeometry& g) {
  return {g.input.channels, g.input.height, g.input.width, g.output.channels,
          g.output.height,  g.output.width, g.kernel,      g.stride,
          g.padding,        g.dilation,     g.groups};
}

// What the client's FlightCounter counts.
class Flights {
 public:
  void sent() { turn(1); }
  void received() { turn(2); }
  std::uint64_t count() const { return flights_; }

 private:
  void turn(int direction) {
    if (direction != last_) ++flights_;
    last_ = direction;
  }
  std::uint64_t flights_ = 0;
  int last_ = 0;
};

}  // namespace

std::uint64_t garbled_and_gates_per_copy(const GarbledBatchFeatures& batch,
                                         const ProtocolParameters& parameters) {
  return circuit_facts(batch.kind, parameters.ring_bits, batch.window, batch.shift,
                       parameters.circa_dropped_bits)
      .and_gates;
}

std::uint64_t gilboa_correction_bytes(const LinearLayerGeometry& geometry,
                                      const ProtocolParameters& parameters) {
  return gilboa_traffic(geometry, parameters).correction_bytes;
}

SessionTraffic count_session_traffic(const std::vector<LayerFeatures>& layers,
                                     std::int64_t input_elements, std::int64_t output_elements,
                                     const ProtocolParameters& parameters) {
  parameters.validate();
  const auto ring = static_cast<std::uint64_t>(parameters.ring_bits);
  const auto dropped = static_cast<std::uint64_t>(parameters.circa_dropped_bits);
  SessionTraffic traffic;
  traffic.layer_offline_bytes.assign(layers.size(), 0);
  traffic.layer_online_bytes.assign(layers.size(), 0);
  traffic.layer_he_products.assign(layers.size(), 0);
  traffic.layer_and_gates.assign(layers.size(), 0);
  traffic.layer_he_ciphertexts.assign(layers.size(), 0);

  // The HE plan covers every linear layer of the network at once (q is chosen for all).
  std::vector<std::uint64_t> he_layer_bytes, he_layer_products, he_layer_ciphertexts;
  if (parameters.linear_backend == LinearBackend::kHe) {
    std::vector<std::pair<std::string, he::ConvShape>> shapes;
    for (const LayerFeatures& layer : layers) {
      for (std::size_t i = 0; i < layer.linear_layers.size(); ++i) {
        // Appended piecewise: GCC 12 flags `"/" + std::to_string(i)` with a
        // false -Wrestrict/-Wstringop-overflow at -O2.
        std::string name = layer.name;
        if (i > 0) name.append("/").append(std::to_string(i));
        shapes.emplace_back(std::move(name), shape_of(layer.linear_layers[i]));
      }
    }
    if (!shapes.empty()) {
      const he::NetworkPlan plan =
          he::plan_network(shapes, static_cast<std::uint32_t>(parameters.ring_bits),
                           static_cast<std::uint32_t>(parameters.effective_weight_bits()));
      for (const auto& layer : plan.layers) {
        he_layer_bytes.push_back(layer.client_bytes + layer.server_bytes);
        he_layer_products.push_back(layer.products);
        he_layer_ciphertexts.push_back(
            static_cast<std::uint64_t>(layer.packing.input_blocks + layer.packing.output_blocks));
      }
    }
  }
  std::size_t he_index = 0;
  bool elementwise_ready = parameters.linear_backend == LinearBackend::kOt;  // set up in connect

  Flights flights;
  flights.sent();  // the masked input
  traffic.online_bytes = 8 * static_cast<std::uint64_t>(input_elements + output_elements);
  for (std::size_t index = 0; index < layers.size(); ++index) {
    const LayerFeatures& layer = layers[index];
    std::uint64_t offline = 0, online = 0;
    for (const LinearLayerGeometry& geometry : layer.linear_layers) {
      if (parameters.linear_backend == LinearBackend::kHe) {
        traffic.layer_he_products[index] += he_layer_products.at(he_index);
        traffic.layer_he_ciphertexts[index] += he_layer_ciphertexts.at(he_index);
        offline += he_layer_bytes.at(he_index++);
      } else {
        const GilboaTraffic gilboa = gilboa_traffic(geometry, parameters);
        offline += iknp_bytes(gilboa.ots) + gilboa.correction_bytes;
      }
    }
    for (const InteractiveStep& step : layer.steps) {
      const auto products = static_cast<std::uint64_t>(step.polynomial_elements);
      if (products > 0) {
        // The HE backend sets up its OT pairs (two base-OT rounds) on first use.
        if (!elementwise_ready) offline += 2 * kBaseOtBytes;
        elementwise_ready = true;
        offline += elementwise_bytes(products, ring);
        online += 16 * products;  // the server's masked values, the client's reply
      }
      if (step.polynomial_step) {
        flights.received();
        flights.sent();
        continue;
      }
      if (products > 0) flights.received();
      bool pending = false;
      for (const GarbledBatchFeatures& batch : step.batches) {
        const auto copies = static_cast<std::uint64_t>(batch.copies);
        const CircuitFacts facts = circuit_facts(batch.kind, parameters.ring_bits, batch.window,
                                                 batch.shift, parameters.circa_dropped_bits);
        traffic.layer_and_gates[index] += copies * facts.and_gates;
        if (batch.kind == Kind::kCirca) {
          const std::uint64_t width = ring - dropped;
          offline +=
              handshake_bytes(6 + digits(dropped) + 1 + kFingerprintLength + 8 + digits(copies)) +
              kBaseOtBytes + iknp_bytes(copies * width) +
              copies * facts.and_gates * 2 * kBlockBytes;
          online +=
              copies * width * kBlockBytes + 2 * (iknp_bytes(copies) + 8 * copies) + 8 * copies;
          flights.received();
          flights.sent();
          flights.received();
          flights.sent();
        } else {
          const auto window = static_cast<std::uint64_t>(batch.window);
          offline += handshake_bytes(14 + kFingerprintLength + 8 + digits(copies)) +
                     iknp_bytes(copies * window * ring) +
                     copies * facts.and_gates * 2 * kBlockBytes + (copies * ring + 7) / 8;
          online += copies * facts.garbler_width * kBlockBytes + 8 * copies;
          flights.received();
          pending = true;
        }
      }
      if (pending) flights.sent();
      if (products > 0) flights.sent();
    }
    traffic.layer_offline_bytes[index] = offline;
    traffic.layer_online_bytes[index] = online;
    traffic.offline_bytes += offline;
    traffic.online_bytes += online;
  }
  flights.received();  // the server's share of the logits
  traffic.online_flights = flights.count();
  traffic.online_rounds = static_cast<std::int64_t>((flights.count() + 1) / 2);
  return traffic;
}

}  // namespace pinas::cost
