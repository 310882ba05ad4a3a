#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "proto/cost_model.pb.h"

namespace pinas::cost {

// One garbled batch as the runtime measured it (one entry of a session
// report's garbled_layers). `units` counts what the unit cost is per:
// elements for "relu", "circa" and "truncation", comparisons for "max_pool".
// online_seconds is the server's window of the batch (labels out, the
// client's evaluated shares back), which leaves out the server's linear
// arithmetic that the client's window would include.
struct GarbledObservation {
  std::string kind;
  std::int64_t units = 0;
  double offline_bytes = 0;
  double online_bytes = 0;
  double offline_seconds = 0;
  double online_seconds = 0;
  // The program step the batch belongs to; consecutive batches of one step
  // are fitted as one row. -1: a step of its own.
  std::int64_t step = -1;
  // The index of the batch's session in CalibrationObservations::sessions,
  // whose phase times weigh the step's residual as a share of the session.
  // -1 (or out of range): the step is weighed by its own seconds.
  std::int64_t session = -1;
  // AND gates of the whole batch (copies x per copy); 0 when not measured,
  // which selects the per-kind online fit.
  double and_gates = 0;
};

// One linear layer's offline preprocessing as the runtime measured it.
struct LinearObservation {
  std::int64_t ots = 0;
  std::int64_t correction_bytes = 0;
  std::int64_t macs = 0;
  double bytes = 0;
  double seconds = 0;
};

// What one whole session spent outside its garbled batches and (offline) its
// linear layers: the masked input and logits, the server's share arithmetic
// of linear layers, polynomial rounds, and each phase's fixed cost.
struct SessionObservation {
  std::int64_t io_elements = 0;
  std::int64_t linear_macs = 0;
  double other_online_bytes = 0;
  double other_online_seconds = 0;
  std::int64_t linear_layers = 0;        // linear steps the runtime runs
  std::int64_t polynomial_elements = 0;  // elements through Beaver products
  double other_offline_seconds = 0;
  double online_seconds = 0;  // the whole phase (the client's), which weighs the remainder's fit
  // The server's online phase, recorded for study (the observations file's
  // server_online_s), not fitted.
  double server_online_seconds = 0;
  double offline_seconds = 0;
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

// Unit costs from observations, every fit non-negative least squares:
//   garbled bytes            ratios of sums per kind (bytes are exact per unit);
//   garbled seconds          per unit of each kind plus one cost per batch,
//                            fitted jointly over every batch (offline, online);
//                            rows are steps (a step's batches summed);
//                            online also a premium per byte of each batch
//                            larger than a knee, the size (online bytes)
//                            beyond which a batch's messages outgrow the
//                            socket buffers and every byte of it costs more,
//                            rising linearly to the full premium at the knee's
//                            end; knee and end are the pair of candidates
//                            (each batch's size, or none) that fits best;
//   Gilboa linear layers     bytes on OTs and correction bytes, seconds on
//                            OTs and MACs;
//   HE linear layers         seconds on products, ciphertexts and layers;
//   session remainder        online seconds on MACs, linear layers,
//                            polynomial elements and one cost per session;
//                            offline seconds on polynomial elements and one
//                            cost per session; io bytes per element.
// Every fit weighs an observation by 1/its seconds (relative error), a
// garbled step by 1/its session's phase seconds, so each network counts by
// its relative error and, within it, each step by its share of the time. A
// term with no observation keeps cost 0; with `circa` the "circa"
// observations supply the ReLU costs. Thread-safe.
pb::UnitCosts fit_unit_costs(const CalibrationObservations& observations, bool circa);

// The least-squares solution of y ≈ Σ_k c_k·columns[k] with every c_k >= 0:
// the best unconstrained fit over each subset of the columns whose
// coefficients are all non-negative (exact for the few terms used here).
// With `weights` (one per row, > 0) it minimizes Σ_i (w_i·residual_i)²;
// calibration passes 1/y so each observation counts by its relative error,
// the error the model is judged by. Requires at most 10 columns, each of y's
// length (and as many weights); throws pinas::Error otherwise. Thread-safe.
std::vector<double> fit_non_negative(const std::vector<std::vector<double>>& columns,
                                     const std::vector<double>& y,
                                     const std::vector<double>& weights = {});

// fit_non_negative with two columns. Returns {a, b}. Exposed for tests.
std::pair<double, double> fit_two_terms(const std::vector<double>& x1,
                                        const std::vector<double>& x2,
                                        const std::vector<double>& y);

}  // namespace pinas::cost
