#pragma once

#include <cstdint>
#include <vector>

#include "cost_models/layer_features.h"

namespace pinas::cost {

// The exact traffic of one private-inference session, as the client's
// channel counts it (both directions; crypto/pi's SessionReport offline and
// online phases), and the online round trips (SessionReport flights: a run of
// messages in one direction is one flight, rounds = (flights + 1) / 2).
struct SessionTraffic {
  std::vector<std::uint64_t> layer_offline_bytes;  // per features entry
  std::vector<std::uint64_t> layer_online_bytes;   // per features entry
  // HE backend, per features entry: plaintext x ciphertext products and
  // ciphertexts (input and returned) of its linear layers (time features).
  std::vector<std::uint64_t> layer_he_products;
  std::vector<std::uint64_t> layer_he_ciphertexts;
  // AND gates of the garbled batches of each features entry (time feature).
  std::vector<std::uint64_t> layer_and_gates;
  std::uint64_t offline_bytes = 0;  // layers plus once-per-session setup done offline
  std::uint64_t online_bytes = 0;   // layers plus the masked input and the logits
  std::uint64_t online_flights = 0;
  std::int64_t online_rounds = 0;
};

// Counts, message by message, what the runtime sends for a network's
// features (layer_features.h): garbled batches (handshake, IKNP extension
// rows padded to 128 per 2^14-row chunk, half-gate tables of 2 blocks per
// AND, labels, decoding bits), Circa's per-batch base OTs and ring COTs,
// Gilboa products (IKNP rows and 64-bit-word chunks of packed corrections,
// the side chosen by search_spaces/gilboa_costs.h) or the HE plan
// (crypto/he/network_plan.h), and the Beaver-style products of polynomials.
// Circuit facts (AND gates, input widths) come from crypto/circuits and are
// cached. Throws pinas::Error when the HE backend cannot run the network
// (naming the layer). Thread-safe.
SessionTraffic count_session_traffic(const std::vector<LayerFeatures>& layers,
                                     std::int64_t input_elements, std::int64_t output_elements,
                                     const ProtocolParameters& parameters);

// AND gates of one copy of `batch`'s circuit under `parameters` (the circuit
// crypto/circuits builds for it; cached). Thread-safe.
std::uint64_t garbled_and_gates_per_copy(const GarbledBatchFeatures& batch,
                                         const ProtocolParameters& parameters);

// The bytes of the packed correction words of one Gilboa product (the sender's
// chunks of about 2^23 bits, each rounded up to 64-bit words) for a linear
// layer decomposed on the cheaper side. Exposed for tests. Thread-safe.
std::uint64_t gilboa_correction_bytes(const LinearLayerGeometry& geometry,
                                      const ProtocolParameters& parameters);

}  // namespace pinas::cost
