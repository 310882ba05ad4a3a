#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "cost_models/calibration_fit.h"
#include "cost_models/layer_features.h"
#include "crypto/pi/client_session.h"
#include "crypto/pi/fixed_point_config.h"
#include "crypto/pi/server_session.h"
#include "search_spaces/architecture.h"

namespace pinas::cli {

// One measured private inference of `pinas calibrate`: the architecture it
// ran, both parties' reports, and the work counts the fit needs.
struct Probe {
  spaces::Architecture architecture;
  pi::SessionReport server;
  pi::InferenceResult client;
  std::int64_t linear_macs = 0;
  // HE backend: each linear layer's plaintext x ciphertext products and ciphertexts.
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> he_work;
};

// One private inference of `architecture` with random weights (seeded by
// `seed`) and a random input, both parties in this process over loopback
// TCP. `mixed`: a reduced model (ReLU masks with polynomial and affine
// replacements), whose architecture the probe records. Throws what the
// compiler or the sessions throw (pinas::Error). Not thread-safe with other
// probes: it times the machine.
Probe run_probe(spaces::Architecture architecture, const pi::FixedPointConfig& config,
                std::uint64_t seed, bool mixed = false);

// Appends `probe`'s garbled batches (one step per garbled node), linear and
// HE layers and its session remainder to `observations`, counted with the
// features the cost model predicts from. Thread-compatible.
void add_observations(const Probe& probe, const pi::FixedPointConfig& config,
                      const cost::ProtocolParameters& parameters,
                      cost::CalibrationObservations& observations);

}  // namespace pinas::cli
