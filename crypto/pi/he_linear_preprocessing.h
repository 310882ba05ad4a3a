#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crypto/he/conv_packing.h"
#include "crypto/he/he_context.h"
#include "crypto/he/keys.h"
#include "crypto/he/noise_budget.h"
#include "crypto/net/channel.h"
#include "crypto/pi/cot_linear_preprocessing.h"
#include "crypto/pi/linear_preprocessing.h"
#include "crypto/primitives/prg.h"

namespace pinas::pi {

// The homomorphic parameters and packing of one linear layer, computed from
// public information only (geometry, ℓ, weight bits, N), so both parties
// derive the same plan.
struct HeLayerPlan {
  std::string node;
  he::ConvPacking packing;
  he::LayerNoise noise;
  std::uint64_t client_bytes = 0;  // input ciphertexts: seed + 'b' residues
  std::uint64_t server_bytes =
      0;  // returned ciphertexts: 'a' and the needed 'b' coefficients at k bits
};

// The RLWE parameters for a whole network and the plan of each linear layer
// (by node): N = options.degree and the fewest prime bits (2 or 3 NTT primes
// of equal size, at most options.prime_bits) whose q holds every layer's
// noise bound, within the HomomorphicEncryption.org 128-bit table. Throws
// CompileError naming the layer whose noise no permitted q can hold, or whose
// padded channel does not fit N. Both parties call it before the first
// layer, so an over-budget network is refused, never decrypted wrong.
// Thread-safe.
struct HeNetworkPlan {
  he::HeParameters parameters;
  std::map<std::string, HeLayerPlan> layers;
};
HeNetworkPlan he_network_plan(const FixedPointNetwork& network, const he::HeOptions& options = {});
// The same for explicit (node, geometry) layers under `config`.
using HeLayers = std::vector<std::pair<std::string, ConvGeometry>>;
HeNetworkPlan he_network_plan(const FixedPointConfig& config, const HeLayers& layers,
                              const he::HeOptions& options = {});
// The plan of one layer under `parameters`. Throws CompileError naming
// `node` when its noise bound exceeds the budget of `parameters`.
HeLayerPlan he_layer_plan(const std::string& node, const ConvGeometry& geometry,
                          const FixedPointConfig& config, const he::HeParameters& parameters);

// Linear-layer preprocessing with homomorphic encryption (Cheetah-style:
// RLWE, coefficient encoding, t = 2^ℓ, no rotations or Galois keys).
//
// Protocol, per linear layer (one round trip, offline):
//   client  packs its input share c (ConvPacking), encrypts each block under
//           its secret key (seeded 'a'), sends seed + 'b';
//   server  computes Σ_b ct_b · K_{J,b} in the NTT domain for every output
//           block J, adds a fresh public-key encryption of zero, adds the
//           encoding of a uniform mask m in Z_t and flooding noise at the
//           coefficients the client needs, switches to 2^k and sends all of
//           'a' and only those coefficients of 'b';
//   client  decrypts W·c + m (exactly, mod 2^ℓ): its share; the server's is -m.
// The shares reconstruct W·c mod 2^ℓ exactly, so private inference stays
// bit-exact with the plaintext fixed-point reference. Before the first layer
// both parties check every layer's worst-case noise bound (he/noise_budget.h)
// and refuse the network, naming the layer, if one exceeds it.
// Element-wise products (polynomial activations) use Gilboa products on
// correlated OT (an owned CotLinearPreprocessing, set up on first use).
//
// Security (semi-honest). What the server sees: the public key and the
// client's ciphertexts, RLWE samples under the client's ternary secret, so
// c stays hidden (decision-RLWE at N = 8192, log q <= 180 <= 218, σ = 3.2:
// 128-bit security by the HomomorphicEncryption.org table). What the client
// sees: for each returned ciphertext, 'a' = Σ a_b·K_b + a0·u + e2, which is
// pseudorandom given a0 by RLWE with the server's fresh secret u (without
// it, 'a' would reveal the weights: Σ a_b·K_b with public a_b); and the
// phase of 'b', round(q(W·c + m)/t) + ν + f, where m is uniform in Z_t
// (so W·c + m reveals nothing), ν is the weight-dependent noise (|ν| <=
// B_W + B_pk, a public bound) and f is uniform in [-F, F] with F = n·B·2^(λ-1),
// so the distribution of ν + f is within statistical distance 2^-λ of f
// alone for any weights (λ = 40 by default). Switching to 2^k and dropping
// coefficients are functions of what was already simulatable. The client
// learns the architecture (public) and its share; the server learns nothing.
//
// Not thread-safe (one per session); the per-layer products run on all cores.
class HeLinearPreprocessing : public LinearPreprocessing {
 public:
  // Plans every linear layer of `network` (throws CompileError naming the
  // layer that cannot fit). Both parties construct it on the same network.
  HeLinearPreprocessing(bool is_server, crypto::Channel& channel, const FixedPointNetwork& network,
                        const he::HeOptions& options = {});
  // For explicit layers (tests, benchmarks): server_linear / client_linear
  // accept exactly these nodes.
  HeLinearPreprocessing(bool is_server, crypto::Channel& channel, const FixedPointConfig& config,
                        const HeLayers& layers, const he::HeOptions& options = {});
  ~HeLinearPreprocessing() override;

  std::string name() const override { return "he-cheetah"; }
  // Client: draws the secret key and sends the public key; server: receives it.
  void setup() override;
  std::vector<std::uint64_t> server_linear(const std::string& node,
                                           const LinearStep& layer) override;
  std::vector<std::uint64_t> client_linear(const std::string& node, const ConvGeometry& geometry,
                                           std::span<const std::uint64_t> input) override;
  std::vector<std::uint64_t> server_elementwise(const std::string& node,
                                                std::span<const std::uint64_t> a) override;
  std::vector<std::uint64_t> client_elementwise(const std::string& node,
                                                std::span<const std::uint64_t> b) override;
  const std::vector<LinearLayerCost>& costs() const override;

  const he::HeParameters& parameters() const { return context_->parameters(); }
  // The plans of the network's linear layers, by node.
  const std::map<std::string, HeLayerPlan>& plans() const { return plans_; }

 private:
  const HeLayerPlan& plan(const std::string& node, const ConvGeometry& geometry) const;
  void begin_cost(const std::string& node, std::int64_t macs);
  void end_cost();
  CotLinearPreprocessing& elementwise_backend();

  bool is_server_;
  crypto::Channel& channel_;
  FixedPointConfig config_;
  std::unique_ptr<he::HeContext> context_;
  std::map<std::string, HeLayerPlan> plans_;
  crypto::Prg prg_;  // getrandom-seeded
  std::optional<he::SecretKey> secret_;
  std::optional<he::PublicKey> public_key_;
  std::unique_ptr<CotLinearPreprocessing> elementwise_;
  bool elementwise_ready_ = false;
  mutable std::vector<LinearLayerCost> costs_;
  std::uint64_t start_sent_ = 0, start_received_ = 0;
  double start_seconds_ = 0;
};

}  // namespace pinas::pi
