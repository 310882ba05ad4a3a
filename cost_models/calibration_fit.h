#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "proto/cost_model.pb.h"

namespace pinas::cost {

// One garbled layer as the runtime measured it. `units` counts what the unit
// cost is per: elements for "relu", "circa" and "truncation", comparisons
// for "max_pool".
struct GarbledObservation {
  std::string kind;
  std::int64_t units = 0;
  double offline_bytes = 0;
  double online_bytes = 0;
  double offline_seconds = 0;
  double online_seconds = 0;
};

// One linear layer's offline preprocessing as the runtime measured it.
struct LinearObservation {
  std::int64_t ots = 0;
  std::int64_t correction_bytes = 0;
  std::int64_t macs = 0;
  double bytes = 0;
  double seconds = 0;
};

// What one whole session spent online outside its garbled layers: the
// masked input and logits, and the local share arithmetic of linear layers.
struct SessionObservation {
  std::int64_t io_elements = 0;
  std::int64_t linear_macs = 0;
  double other_online_bytes = 0;
  double other_online_seconds = 0;
};

// One HE linear layer's offline preprocessing as the runtime measured it,
// with its plan's plaintext x ciphertext products and ciphertexts.
struct HeLinearObservation {
  std::int64_t products = 0;
  std::int64_t ciphertexts = 0;
  double seconds = 0;
};

struct CalibrationObservations {
  std::vector<GarbledObservation> garbled;
  std::vector<LinearObservation> linear;
  std::vector<HeLinearObservation> he_linear;
  std::vector<SessionObservation> sessions;
};

// Unit costs from observations: ratios of sums for the garbled kinds and the
// session terms (so large layers weigh most), and a two-term non-negative
// least-squares fit for linear layers (bytes on OTs and correction bytes,
// seconds on OTs and MACs; HE seconds on products and ciphertexts). A kind with no observation
// keeps cost 0; with `circa` the "circa" observations supply the ReLU costs. Thread-safe.
pb::UnitCosts fit_unit_costs(const CalibrationObservations& observations, bool circa);

// The least-squares fit of y ≈ a·x1 + b·x2 with a, b >= 0 (the better of
// the unconstrained solution when non-negative, and the two one-term fits).
// Returns {a, b}. Exposed for tests.
std::pair<double, double> fit_two_terms(const std::vector<double>& x1,
                                        const std::vector<double>& x2,
                                        const std::vector<double>& y);

}  // namespace pinas::cost
