#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crypto/he/conv_packing.h"
#include "crypto/he/he_parameters.h"
#include "crypto/he/noise_budget.h"

namespace pinas::he {

// The plan of the homomorphic linear-layer preprocessing (crypto/pi's
// HeLinearPreprocessing) from public information only: the RLWE parameters
// of a network, and per layer its packing, noise bound and the bytes each
// party sends. crypto/pi runs its protocol by this plan and the cost model
// counts its traffic with it, so the two cannot diverge. Thread-safe.

// Bytes of one input ciphertext on the wire: a 128-bit seed for 'a' and the
// N residues of 'b' per prime, packed at each prime's bit length, in 64-bit words.
std::uint64_t input_ciphertext_bytes(const HeParameters& parameters);
// Bytes of one returned ciphertext carrying `coefficients` 'b' coefficients:
// all N coefficients of 'a' and those of 'b', at k = switched_bits() bits, in 64-bit words.
std::uint64_t output_ciphertext_bytes(const HeParameters& parameters, std::uint64_t coefficients);

struct PlannedLayer {
  std::string node;
  ConvShape shape;
  PackingChoice packing;
  LayerNoise noise;
  std::uint64_t client_bytes = 0;  // input ciphertexts
  std::uint64_t server_bytes = 0;  // returned ciphertexts
  std::uint64_t products = 0;      // plaintext x ciphertext products (packing.products(shape))
};

// The packing that minimizes the bytes under `parameters`, its noise bound
// and traffic. Throws HeError "node 'NODE': ..." when the packing does not
// fit N; the noise is returned whether or not it fits (noise.fits()).
PlannedLayer plan_layer(const std::string& node, const ConvShape& shape, std::uint32_t weight_bits,
                        const HeParameters& parameters);

struct NetworkPlan {
  HeParameters parameters;
  std::vector<PlannedLayer> layers;  // in the order given
};

// N = options.degree and the fewest prime bits (2 or 3 NTT primes of equal
// size, at most options.prime_bits) whose q holds every layer's noise bound,
// within the HomomorphicEncryption.org 128-bit table. Throws HeError
// "node 'NODE': ..." naming the layer whose padded channel does not fit N or
// whose noise no permitted q can hold. Thread-safe (primes are cached).
NetworkPlan plan_network(const std::vector<std::pair<std::string, ConvShape>>& layers,
                         std::uint32_t ring_bits, std::uint32_t weight_bits,
                         const HeOptions& options = {});

}  // namespace pinas::he
