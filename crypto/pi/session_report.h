#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "crypto/pi/cot_linear_preprocessing.h"

namespace pinas::pi {

// Traffic and time of one phase, seen from one party. Flights count the
// message flights of the phase (a run of messages in one direction counts
// once), so a request-response pair is two flights and rounds = flights / 2.
struct PhaseCost {
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_received = 0;
  double seconds = 0;
  std::uint64_t flights = 0;
};

// What one garbled layer (ReLU, truncation, max pool, Circa) cost.
struct GarbledLayerCost {
  std::string node;
  std::string kind;            // "relu", "truncation", "max_pool", "circa"
  std::int64_t elements = 0;   // circuit copies
  std::uint64_t and_gates = 0; // per copy
  std::uint64_t offline_bytes = 0;  // both directions (tables, labels, OTs)
  std::uint64_t online_bytes = 0;   // both directions
  double offline_seconds = 0;
  double online_seconds = 0;
  double crypto_seconds = 0;   // thread CPU garbling (server) or evaluating (client)
};

// The costs of one private-inference session, from one party's side.
struct SessionReport {
  PhaseCost setup;    // hello, public description, handshake, base OTs
  PhaseCost offline;  // input-independent preprocessing
  PhaseCost online;   // from the client's masked input to the logits
  std::vector<LinearLayerCost> linear_layers;
  std::vector<GarbledLayerCost> garbled_layers;
};

}  // namespace pinas::pi
