#include "crypto/pi/he_linear_preprocessing.h"

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "crypto/he/decryptor.h"
#include "crypto/he/detail/primes.h"
#include "crypto/he/encryptor.h"
#include "crypto/he/evaluator.h"
#include "crypto/he/he_error.h"
#include "crypto/he/network_plan.h"
#include "crypto/he/sampler.h"
#include "crypto/pi/detail/bit_packing.h"
#include "crypto/pi/detail/ring.h"
#include "crypto/pi/pi_error.h"

namespace pinas::pi {

namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

he::ConvShape shape_of(const ConvGeometry& g) {
  return {g.input.channels, g.input.height, g.input.width, g.output.channels,
          g.output.height,  g.output.width, g.kernel,      g.stride,
          g.padding,        g.dilation,     g.groups};
}

std::uint64_t residue_bits(const he::HeParameters& parameters) {
  std::uint64_t bits = 0;
  for (std::uint64_t p : parameters.primes())
    bits += static_cast<std::uint64_t>(64 - __builtin_clzll(p));
  return bits;
}

// Words of one input ciphertext (seed + 'b' residues) and one returned
// ciphertext carrying `coefficients` 'b' coefficients: the shared plan's
// byte counts (crypto/he/network_plan.h), so what is sent is what is counted.
std::size_t input_words(const he::HeParameters& parameters) {
  return static_cast<std::size_t>(he::input_ciphertext_bytes(parameters) / 8);
}
std::size_t output_words(const he::HeParameters& parameters, std::uint64_t coefficients) {
  return static_cast<std::size_t>(he::output_ciphertext_bytes(parameters, coefficients) / 8);
}

void write_wide(detail::BitWriter& writer, he::uint128 value, std::uint32_t bits) {
  if (bits <= 64) {
    writer.write(static_cast<std::uint64_t>(value), bits);
  } else {
    writer.write(static_cast<std::uint64_t>(value), 64);
    writer.write(static_cast<std::uint64_t>(value >> 64), bits - 64);
  }
}

he::uint128 read_wide(detail::BitReader& reader, std::uint32_t bits) {
  if (bits <= 64) return reader.read(bits);
  const he::uint128 low = reader.read(64);
  return low | (static_cast<he::uint128>(reader.read(bits - 64)) << 64);
}

// Runs body(i) for i in [0, count) on all cores; rethrows the first error.
template <class Body>
void parallel(std::size_t count, Body&& body) {
  tbb::parallel_for(std::size_t{0}, count, [&](std::size_t i) { body(i); });
}

}  // namespace

HeLayerPlan he_layer_plan(const std::string& node, const ConvGeometry& geometry,
                          const FixedPointConfig& config, const he::HeParameters& parameters) {
  try {
    // The shared plan (crypto/he/network_plan.h), which the cost model counts with.
    const he::PlannedLayer planned =
        he::plan_layer(node, shape_of(geometry), config.effective_weight_bits(), parameters);
    const auto& noise = planned.noise;
    if (!noise.fits()) {
      throw CompileError(fmt::format(
          "node '{}': the homomorphic products' noise bound exceeds the budget ({}; "
          "log2 q = {:.1f} at N = {}, "
          "ℓ = {}, {} kernel terms of {}-bit weights)",
          node, noise.to_string(), parameters.log_q(), parameters.degree(), config.ring_bits,
          planned.packing.kernel_terms, config.effective_weight_bits()));
    }
    return HeLayerPlan{node, he::ConvPacking(planned.shape, parameters.degree(), planned.packing),
                       noise, planned.client_bytes, planned.server_bytes};
  } catch (const he::HeError& error) {
    throw CompileError(error.what());
  }
}

namespace {

HeLayers linear_layers(const FixedPointNetwork& network) {
  HeLayers layers;
  for (const auto& step : network.steps()) {
    if (const auto* linear = std::get_if<LinearStep>(&step.op))
      layers.emplace_back(step.node, linear->geometry);
  }
  return layers;
}

}  // namespace

HeNetworkPlan he_network_plan(const FixedPointNetwork& network, const he::HeOptions& options) {
  return he_network_plan(network.config(), linear_layers(network), options);
}

HeNetworkPlan he_network_plan(const FixedPointConfig& config, const HeLayers& layers,
                              const he::HeOptions& options) {
  std::vector<std::pair<std::string, he::ConvShape>> shapes;
  shapes.reserve(layers.size());
  for (const auto& [node, geometry] : layers) shapes.emplace_back(node, shape_of(geometry));
  try {
    const he::NetworkPlan planned =
        he::plan_network(shapes, config.ring_bits, config.effective_weight_bits(), options);
    HeNetworkPlan result{planned.parameters, {}};
    for (const auto& layer : planned.layers) {
      result.layers.emplace(
          layer.node,
          HeLayerPlan{layer.node,
                      he::ConvPacking(layer.shape, planned.parameters.degree(), layer.packing),
                      layer.noise, layer.client_bytes, layer.server_bytes});
    }
    return result;
  } catch (const he::HeError& error) {
    throw CompileError(error.what());
  }
}

HeLinearPreprocessing::HeLinearPreprocessing(bool is_server, crypto::Channel& channel,
                                             const FixedPointNetwork& network,
                                             const he::HeOptions& options)
    : HeLinearPreprocessing(is_server, channel, network.config(), linear_layers(network), options) {
}

HeLinearPreprocessing::HeLinearPreprocessing(bool is_server, crypto::Channel& channel,
                                             const FixedPointConfig& config, const HeLayers& layers,
                                             const he::HeOptions& options)
    : is_server_(is_server), channel_(channel), config_(config) {
  HeNetworkPlan plan = he_network_plan(config, layers, options);
  context_ = std::make_unique<he::HeContext>(plan.parameters);
  plans_ = std::move(plan.layers);
}

HeLinearPreprocessing::~HeLinearPreprocessing() = default;

void HeLinearPreprocessing::setup() {
  const auto& parameters = context_->parameters();
  const std::size_t words = detail::words_for_bits(parameters.degree() * residue_bits(parameters));
  if (!is_server_) {
    secret_.emplace(he::generate_secret_key(*context_, prg_));
    const crypto::Block seed = prg_.random_block();
    public_key_.emplace(he::generate_public_key(*context_, *secret_, seed, prg_));
    detail::BitWriter writer;
    for (std::size_t i = 0; i < context_->prime_count(); ++i) {
      const std::uint32_t bits = static_cast<std::uint32_t>(context_->modulus(i).bits());
      for (std::uint64_t v : context_->component(public_key_->b, i)) writer.write(v, bits);
    }
    channel_.send_uint64(seed.high());
    channel_.send_uint64(seed.low());
    channel_.send_uint64s(writer.words());
    channel_.flush();
  } else {
    const std::uint64_t high = channel_.receive_uint64(), low = channel_.receive_uint64();
    std::vector<std::uint64_t> packed(words);
    channel_.receive_uint64s(packed);
    detail::BitReader reader(packed.data(), packed.size());
    he::RnsPolynomial b = context_->zero();
    for (std::size_t i = 0; i < context_->prime_count(); ++i) {
      const std::uint32_t bits = static_cast<std::uint32_t>(context_->modulus(i).bits());
      for (auto& v : context_->component(b, i)) v = reader.read(bits);
    }
    try {
      public_key_.emplace(
          he::public_key_from(*context_, crypto::Block::from_uint64(high, low), std::move(b)));
    } catch (const he::HeError& error) {
      throw SessionError(fmt::format("client {}: {}", channel_.peer(), error.what()));
    }
  }
}

const HeLayerPlan& HeLinearPreprocessing::plan(const std::string& node,
                                               const ConvGeometry& geometry) const {
  auto it = plans_.find(node);
  const he::ConvShape shape = shape_of(geometry);
  if (it == plans_.end() || it->second.packing.shape().in_channels != shape.in_channels ||
      it->second.packing.shape().out_channels != shape.out_channels ||
      it->second.packing.shape().in_height != shape.in_height ||
      it->second.packing.shape().kernel != shape.kernel) {
    throw UsageError(fmt::format(
        "node '{}': not a linear layer of the network the HE backend was planned for", node));
  }
  return it->second;
}

void HeLinearPreprocessing::begin_cost(const std::string& node, std::int64_t macs) {
  channel_.flush();
  costs_.push_back({node, Decomposition::kWeight, macs, 0, 0, 0, 0, "he"});
  start_sent_ = channel_.bytes_sent();
  start_received_ = channel_.bytes_received();
  start_seconds_ = now_seconds();
}

void HeLinearPreprocessing::end_cost() {
  auto& cost = costs_.back();
  cost.bytes_sent = channel_.bytes_sent() - start_sent_;
  cost.bytes_received = channel_.bytes_received() - start_received_;
  cost.seconds = now_seconds() - start_seconds_;
}

std::vector<std::uint64_t> HeLinearPreprocessing::client_linear(
    const std::string& node, const ConvGeometry& g, std::span<const std::uint64_t> input) {
  if (is_server_) throw UsageError("linear preprocessing: client_linear called by the server");
  if (!secret_) throw UsageError("HE linear preprocessing: client_linear before setup()");
  if (input.size() != static_cast<std::size_t>(g.input.elements())) {
    throw UsageError(fmt::format("node '{}': {} input shares for {} inputs", node, input.size(),
                                 g.input.elements()));
  }
  const HeLayerPlan& layer = plan(node, g);
  const auto& packing = layer.packing;
  const auto& parameters = context_->parameters();
  begin_cost(node, g.macs());
  // Encrypt every input block (in parallel, each with its own noise stream).
  const std::size_t in_words = input_words(parameters);
  std::vector<std::uint64_t> message(packing.input_blocks() * in_words);
  std::vector<crypto::Block> seeds(2 * packing.input_blocks());
  for (auto& seed : seeds) seed = prg_.random_block();
  parallel(packing.input_blocks(), [&](std::size_t b) {
    std::vector<std::uint64_t> coefficients(parameters.degree());
    packing.encode_input(b, input, coefficients);
    crypto::Prg noise(seeds[2 * b]);
    he::Encryptor encryptor(*context_, noise);
    const auto ciphertext = encryptor.encrypt_symmetric(*secret_, coefficients, seeds[2 * b + 1]);
    detail::BitWriter writer;
    for (std::size_t i = 0; i < context_->prime_count(); ++i) {
      const std::uint32_t bits = static_cast<std::uint32_t>(context_->modulus(i).bits());
      for (std::uint64_t v : context_->component(ciphertext.b, i)) writer.write(v, bits);
    }
    std::uint64_t* out = message.data() + b * in_words;
    out[0] = ciphertext.seed.high();
    out[1] = ciphertext.seed.low();
    std::copy(writer.words().begin(), writer.words().end(), out + 2);
  });
  channel_.send_uint64s(message);
  channel_.flush();
  // Receive and decrypt every output block.
  std::vector<std::size_t> offsets{0};
  for (std::size_t j = 0; j < packing.output_blocks(); ++j) {
    offsets.push_back(offsets.back() +
                      output_words(parameters, packing.output_positions(j).size()));
  }
  std::vector<std::uint64_t> reply(offsets.back());
  channel_.receive_uint64s(reply);
  std::vector<std::uint64_t> output(static_cast<std::size_t>(g.output.elements()), 0);
  const std::uint32_t k = parameters.switched_bits();
  he::Decryptor decryptor(*context_, *secret_);
  parallel(packing.output_blocks(), [&](std::size_t j) {
    const auto& positions = packing.output_positions(j);
    detail::BitReader reader(reply.data() + offsets[j], offsets[j + 1] - offsets[j]);
    he::SwitchedCiphertext ciphertext;
    ciphertext.bits = k;
    ciphertext.a.resize(parameters.degree());
    ciphertext.b.resize(positions.size());
    for (auto& v : ciphertext.a) v = read_wide(reader, k);
    for (auto& v : ciphertext.b) v = read_wide(reader, k);
    const auto values = decryptor.decrypt(ciphertext, positions);
    const auto& elements = packing.output_elements(j);
    for (std::size_t i = 0; i < values.size(); ++i) output[elements[i]] = values[i];
  });
  end_cost();
  return output;
}

std::vector<std::uint64_t> HeLinearPreprocessing::server_linear(const std::string& node,
                                                                const LinearStep& step) {
  if (!is_server_) throw UsageError("linear preprocessing: server_linear called by the client");
  if (!public_key_) throw UsageError("HE linear preprocessing: server_linear before setup()");
  const auto& g = step.geometry;
  if (step.weights.size() != static_cast<std::size_t>(g.weight_count())) {
    throw UsageError(fmt::format("node '{}': the server's network has no weights", node));
  }
  const HeLayerPlan& layer = plan(node, g);
  const auto& packing = layer.packing;
  const auto& parameters = context_->parameters();
  begin_cost(node, g.macs());
  const detail::Ring ring(config_.ring_bits);
  std::vector<std::int64_t> weights(step.weights.size());
  const std::int64_t limit = std::int64_t{1} << (config_.effective_weight_bits() - 1);
  for (std::size_t i = 0; i < weights.size(); ++i) {
    weights[i] = ring.to_signed(step.weights[i]);
    // The noise bound assumes weight_bits; the compiler enforces it, and a
    // larger weight would void the flooding argument, so check again.
    if (weights[i] < -limit || weights[i] >= limit) {
      throw UsageError(fmt::format("node '{}': weight {} outside {} bits", node, i,
                                   config_.effective_weight_bits()));
    }
  }
  // The client's ciphertexts.
  const std::size_t in_words = input_words(parameters);
  std::vector<std::uint64_t> message(packing.input_blocks() * in_words);
  channel_.receive_uint64s(message);
  std::vector<he::Ciphertext> inputs(packing.input_blocks());
  parallel(packing.input_blocks(), [&](std::size_t b) {
    const std::uint64_t* in = message.data() + b * in_words;
    he::SeededCiphertext seeded{crypto::Block::from_uint64(in[0], in[1]), context_->zero()};
    detail::BitReader reader(in + 2, in_words - 2);
    for (std::size_t i = 0; i < context_->prime_count(); ++i) {
      const std::uint32_t bits = static_cast<std::uint32_t>(context_->modulus(i).bits());
      for (auto& v : context_->component(seeded.b, i)) v = reader.read(bits);
    }
    try {
      inputs[b] = he::expand(*context_, std::move(seeded));
    } catch (const he::HeError& error) {
      throw SessionError(fmt::format("node '{}': client {} sent input ciphertext {}: {}", node,
                                     channel_.peer(), b, error.what()));
    }
  });
  // Products, re-randomization, masking, flooding, switching: per output block.
  std::vector<std::size_t> offsets{0};
  for (std::size_t j = 0; j < packing.output_blocks(); ++j) {
    offsets.push_back(offsets.back() +
                      output_words(parameters, packing.output_positions(j).size()));
  }
  std::vector<std::uint64_t> reply(offsets.back());
  std::vector<std::uint64_t> share(static_cast<std::size_t>(g.output.elements()), 0);
  std::vector<crypto::Block> seeds(packing.output_blocks());
  for (auto& seed : seeds) seed = prg_.random_block();
  const std::uint32_t k = parameters.switched_bits();
  parallel(packing.output_blocks(), [&](std::size_t j) {
    crypto::Prg random(seeds[j]);
    he::Evaluator evaluator(*context_);
    he::Encryptor encryptor(*context_, random);
    he::Sampler sampler(random);
    he::Evaluator::WideAccumulator sum;
    std::vector<std::int64_t> kernel(parameters.degree());
    for (std::size_t b = 0; b < packing.input_blocks(); ++b) {
      if (!packing.connected(j, b)) continue;
      packing.encode_kernel(j, b, weights, kernel);
      evaluator.multiply_accumulate(sum, inputs[b], evaluator.transform_plaintext(kernel));
    }
    he::Ciphertext accumulator = evaluator.reduce(sum);
    const auto& positions = packing.output_positions(j);
    std::vector<std::uint64_t> mask(positions.size());
    for (auto& v : mask) v = ring.reduce(random.random_uint64());
    const auto flood = sampler.flood(positions.size(), layer.noise.flood_bits);
    const auto result = evaluator.finish(
        std::move(accumulator), encryptor.encrypt_zero(*public_key_), positions, mask, flood, k);
    detail::BitWriter writer;
    for (auto v : result.a) write_wide(writer, v, k);
    for (auto v : result.b) write_wide(writer, v, k);
    std::copy(writer.words().begin(), writer.words().end(),
              reply.begin() + static_cast<std::ptrdiff_t>(offsets[j]));
    const auto& elements = packing.output_elements(j);
    for (std::size_t i = 0; i < mask.size(); ++i) share[elements[i]] = ring.negate(mask[i]);
  });
  channel_.send_uint64s(reply);
  channel_.flush();
  end_cost();
  return share;
}

CotLinearPreprocessing& HeLinearPreprocessing::elementwise_backend() {
  if (!elementwise_)
    elementwise_ = std::make_unique<CotLinearPreprocessing>(is_server_, channel_, config_);
  if (!elementwise_ready_) {
    elementwise_->setup();
    elementwise_ready_ = true;
  }
  return *elementwise_;
}

std::vector<std::uint64_t> HeLinearPreprocessing::server_elementwise(
    const std::string& node, std::span<const std::uint64_t> a) {
  auto result = elementwise_backend().server_elementwise(node, a);
  costs_.push_back(elementwise_->costs().back());
  return result;
}

std::vector<std::uint64_t> HeLinearPreprocessing::client_elementwise(
    const std::string& node, std::span<const std::uint64_t> b) {
  auto result = elementwise_backend().client_elementwise(node, b);
  costs_.push_back(elementwise_->costs().back());
  return result;
}

const std::vector<LinearLayerCost>& HeLinearPreprocessing::costs() const {
  return costs_;
}

}  // namespace pinas::pi
