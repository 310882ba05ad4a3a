#include "cost_models/calibration_fit.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <utility>

#include "cost_models/pi_cost_model.h"
#include "proto/error.h"

namespace pinas::cost {
namespace {

// Solves the k x k system a·x = b in place by Gaussian elimination with
// partial pivoting. Returns false when a pivot is negligible (the columns of
// the subset are dependent), so the subset is skipped.
bool solve(std::vector<std::vector<double>>& a, std::vector<double>& b) {
  const std::size_t k = b.size();
  for (std::size_t column = 0; column < k; ++column) {
    std::size_t pivot = column;
    for (std::size_t row = column + 1; row < k; ++row) {
      if (std::abs(a[row][column]) > std::abs(a[pivot][column])) pivot = row;
    }
    // Columns are scaled to unit norm, so a pivot this small means dependence.
    if (std::abs(a[pivot][column]) < 1e-10) return false;
    std::swap(a[pivot], a[column]);
    std::swap(b[pivot], b[column]);
    for (std::size_t row = column + 1; row < k; ++row) {
      const double factor = a[row][column] / a[column][column];
      for (std::size_t j = column; j < k; ++j) a[row][j] -= factor * a[column][j];
      b[row] -= factor * b[column];
    }
  }
  for (std::size_t column = k; column-- > 0;) {
    double value = b[column];
    for (std::size_t j = column + 1; j < k; ++j) value -= a[column][j] * b[j];
    b[column] = value / a[column][column];
  }
  return true;
}

double per_unit(double total, double units) {
  return units > 0 ? total / units : 0.0;
}

// The weight that makes an error relative to `seconds` (a time of ~0 gets
// the weight of 1 ns).
double inverse(double seconds) {
  return 1.0 / std::max(seconds, 1e-9);
}

// 1/y per row, for relative error.
std::vector<double> relative_weights(const std::vector<double>& y) {
  std::vector<double> weights;
  weights.reserve(y.size());
  for (double value : y) weights.push_back(inverse(value));
  return weights;
}

// Σ_i (w_i·(y_i - Σ_k c_k·columns[k][i]))²; no weights: w = 1.
double weighted_error(const std::vector<std::vector<double>>& columns,
                      const std::vector<double>& coefficients, const std::vector<double>& y,
                      const std::vector<double>& weights = {}) {
  double error = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    double value = y[i];
    for (std::size_t k = 0; k < columns.size(); ++k) value -= coefficients[k] * columns[k][i];
    const double weight = weights.empty() ? 1.0 : weights[i];
    error += value * value * weight * weight;
  }
  return error;
}

}  // namespace

std::vector<double> fit_non_negative(const std::vector<std::vector<double>>& raw_columns,
                                     const std::vector<double>& raw_y,
                                     const std::vector<double>& weights) {
  const std::size_t terms = raw_columns.size();
  if (terms > 10) throw Error("calibration fit: at most 10 terms, got " + std::to_string(terms));
  for (const auto& column : raw_columns) {
    if (column.size() != raw_y.size()) throw Error("calibration fit: a column's length is not y's");
  }
  if (!weights.empty() && weights.size() != raw_y.size()) {
    throw Error("calibration fit: " + std::to_string(weights.size()) + " weights for " +
                std::to_string(raw_y.size()) + " rows");
  }
  // Weighted least squares is ordinary least squares on rows scaled by w.
  std::vector<std::vector<double>> columns = raw_columns;
  std::vector<double> y = raw_y;
  if (!weights.empty()) {
    for (std::size_t i = 0; i < y.size(); ++i) {
      if (!(weights[i] > 0) || !std::isfinite(weights[i])) {
        throw Error("calibration fit: weight " + std::to_string(i) + " must be finite and > 0");
      }
      y[i] *= weights[i];
      for (auto& column : columns) column[i] *= weights[i];
    }
  }
  // Unit-norm columns keep the normal equations well conditioned although
  // the raw features range from 1 (per batch) to 10^8 (MACs).
  std::vector<double> norms(terms, 0.0);
  for (std::size_t k = 0; k < terms; ++k) {
    for (double value : columns[k]) norms[k] += value * value;
    norms[k] = std::sqrt(norms[k]);
  }
  std::vector<double> best(terms, 0.0);
  double best_error = weighted_error(columns, best, y);
  for (std::uint32_t subset = 1; subset < (1u << terms); ++subset) {
    std::vector<std::size_t> chosen;
    bool usable = true;
    for (std::size_t k = 0; k < terms; ++k) {
      if ((subset >> k) & 1u) {
        chosen.push_back(k);
        usable = usable && norms[k] > 0;
      }
    }
    if (!usable) continue;
    std::vector<std::vector<double>> normal(chosen.size(), std::vector<double>(chosen.size(), 0));
    std::vector<double> rhs(chosen.size(), 0);
    for (std::size_t r = 0; r < chosen.size(); ++r) {
      const auto& left = columns[chosen[r]];
      for (std::size_t c = 0; c < chosen.size(); ++c) {
        const auto& right = columns[chosen[c]];
        double sum = 0;
        for (std::size_t i = 0; i < y.size(); ++i) sum += left[i] * right[i];
        normal[r][c] = sum / (norms[chosen[r]] * norms[chosen[c]]);
      }
      double sum = 0;
      for (std::size_t i = 0; i < y.size(); ++i) sum += left[i] * y[i];
      rhs[r] = sum / norms[chosen[r]];
    }
    if (!solve(normal, rhs)) continue;
    std::vector<double> coefficients(terms, 0.0);
    bool non_negative = true;
    for (std::size_t r = 0; r < chosen.size(); ++r) {
      coefficients[chosen[r]] = rhs[r] / norms[chosen[r]];
      non_negative = non_negative && coefficients[chosen[r]] >= 0;
    }
    if (!non_negative) continue;
    const double error = weighted_error(columns, coefficients, y);
    if (error < best_error) {
      best = std::move(coefficients);
      best_error = error;
    }
  }
  return best;
}

std::pair<double, double> fit_two_terms(const std::vector<double>& x1,
                                        const std::vector<double>& x2,
                                        const std::vector<double>& y) {
  const std::vector<double> fit = fit_non_negative({x1, x2}, y);
  return {fit[0], fit[1]};
}

namespace {

// The per-kind online fit: the step rows' columns (per kind's units and per
// batch) plus, for the best of the candidate knees, the bytes of each batch
// beyond it. Sets the knee's start, end and per-byte premium (all 0 when no
// knee helps) and returns the other columns' unit costs.
std::vector<double> fit_knee(const std::vector<std::vector<double>>& columns,
                             const std::vector<double>& online_seconds,
                             const std::vector<double>& online_weights,
                             const std::vector<std::vector<double>>& step_batch_bytes, double& knee,
                             double& knee_end, double& per_byte_beyond_knee) {
  knee = knee_end = per_byte_beyond_knee = 0;
  std::vector<double> online = fit_non_negative(columns, online_seconds, online_weights);
  double best_error = weighted_error(columns, online, online_seconds, online_weights);
  // A knee must explain something: an improvement below this share of the
  // signal is rounding (an exact fit without a knee has nothing to gain).
  double signal = 0;
  for (std::size_t i = 0; i < online_seconds.size(); ++i) {
    signal += online_seconds[i] * online_seconds[i] * online_weights[i] * online_weights[i];
  }
  std::vector<double> candidates;
  for (const auto& batches : step_batch_bytes) {
    candidates.insert(candidates.end(), batches.begin(), batches.end());
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  // At most 48 candidates (evenly spaced in the sorted sizes) keep the pair
  // search at about a thousand small fits however many probes ran.
  constexpr std::size_t kMaximumCandidates = 48;
  if (candidates.size() > kMaximumCandidates) {
    std::vector<double> thinned;
    for (std::size_t i = 0; i < kMaximumCandidates; ++i) {
      thinned.push_back(candidates[i * (candidates.size() - 1) / (kMaximumCandidates - 1)]);
    }
    candidates = std::move(thinned);
  }
  // Every (start, end) pair of candidates, end == start being a step.
  pb::UnitCosts shape;
  for (std::size_t first = 0; first < candidates.size(); ++first) {
    for (std::size_t last = first; last < candidates.size(); ++last) {
      shape.set_garbled_online_knee_bytes(candidates[first]);
      shape.set_garbled_online_knee_end_bytes(candidates[last]);
      std::vector<std::vector<double>> with_knee = columns;
      with_knee.emplace_back();
      for (const auto& batches : step_batch_bytes) {
        double beyond = 0;
        for (double bytes : batches) beyond += bytes * knee_share(bytes, shape);
        with_knee.back().push_back(beyond);
      }
      const std::vector<double> fit = fit_non_negative(with_knee, online_seconds, online_weights);
      const double error = weighted_error(with_knee, fit, online_seconds, online_weights);
      if (fit.back() > 0 && error < best_error - 1e-9 * signal) {
        best_error = error;
        online.assign(fit.begin(), fit.end() - 1);
        knee = candidates[first];
        knee_end = candidates[last];
        per_byte_beyond_knee = fit.back();
      }
    }
  }
  return online;
}

}  // namespace

pb::UnitCosts fit_unit_costs(const CalibrationObservations& observations, bool circa) {
  const std::vector<SessionObservation>& sessions = observations.sessions;
  const std::string relu_kind = circa ? "circa" : "relu";
  const std::vector<std::string> kinds = {relu_kind, "truncation", "max_pool"};
  // Bytes: exact per unit, so ratios of sums.
  std::vector<double> units(kinds.size(), 0), offline_bytes(kinds.size(), 0),
      online_bytes(kinds.size(), 0);
  // Seconds: one row per step (its batches summed: a step's first pending
  // batch waits for the client to evaluate them all, so only the step's sum
  // is a clean measurement), a column per kind's units and one per batch.
  std::vector<std::vector<double>> columns(kinds.size() + 1);
  std::vector<double> offline_seconds, online_seconds, offline_weights, online_weights;
  std::vector<std::vector<double>> step_batch_bytes;  // each row's batches' online bytes
  // The same rows' AND gates, online bytes and batches (the per-AND-gate online fit).
  std::vector<std::vector<double>> physical(3);
  std::int64_t last_step = -1;
  for (const GarbledObservation& observation : observations.garbled) {
    std::size_t kind = 0;
    while (kind < kinds.size() && kinds[kind] != observation.kind) ++kind;
    if (kind == kinds.size()) continue;  // the other ReLU flavour
    const auto count = static_cast<double>(observation.units);
    units[kind] += count;
    offline_bytes[kind] += observation.offline_bytes;
    online_bytes[kind] += observation.online_bytes;
    if (observation.step < 0 || observation.step != last_step || online_seconds.empty()) {
      for (auto& column : columns) column.push_back(0.0);
      for (auto& column : physical) column.push_back(0.0);
      offline_seconds.push_back(0.0);
      online_seconds.push_back(0.0);
      // Weighed by the session's phase where it is known, else by the step.
      const bool known = observation.session >= 0 &&
                         observation.session < static_cast<std::int64_t>(sessions.size());
      offline_weights.push_back(known ? inverse(sessions[observation.session].offline_seconds)
                                      : 0.0);
      online_weights.push_back(known ? inverse(sessions[observation.session].online_seconds) : 0.0);
      step_batch_bytes.emplace_back();
    }
    last_step = observation.step;
    columns[kind].back() += count;
    columns[kinds.size()].back() += 1.0;
    offline_seconds.back() += observation.offline_seconds;
    online_seconds.back() += observation.online_seconds;
    step_batch_bytes.back().push_back(observation.online_bytes);
    physical[0].back() += observation.and_gates;
    physical[1].back() += observation.online_bytes;
    physical[2].back() += 1.0;
  }
  // A step of no known session is weighed by its own seconds (its full sum).
  for (std::size_t i = 0; i < offline_seconds.size(); ++i) {
    if (offline_weights[i] == 0) offline_weights[i] = inverse(offline_seconds[i]);
    if (online_weights[i] == 0) online_weights[i] = inverse(online_seconds[i]);
  }
  const std::vector<double> offline = fit_non_negative(columns, offline_seconds, offline_weights);
  // Online, when every batch's AND gates were measured: per AND gate, per
  // online byte and per batch (see UnitCosts.garbled_online_seconds_per_and),
  // with no per-kind term and no knee (the evaluator streams a batch in
  // slices, so its time is linear in both). Otherwise the per-kind fit with
  // the knee search, for observation files without AND counts.
  const bool by_and_gates =
      !observations.garbled.empty() &&
      std::all_of(observations.garbled.begin(), observations.garbled.end(),
                  [](const GarbledObservation& o) { return o.and_gates > 0; });
  std::vector<double> online(kinds.size() + 1, 0.0);
  double knee = 0, per_byte_beyond_knee = 0, knee_end = 0;
  double online_per_and = 0, online_per_byte = 0;
  if (by_and_gates) {
    const std::vector<double> fit = fit_non_negative(physical, online_seconds, online_weights);
    online_per_and = fit[0];
    online_per_byte = fit[1];
    online[kinds.size()] = fit[2];
  } else {
    online = fit_knee(columns, online_seconds, online_weights, step_batch_bytes, knee, knee_end,
                      per_byte_beyond_knee);
  }

  pb::UnitCosts unit;
  unit.set_relu_offline_bytes(per_unit(offline_bytes[0], units[0]));
  unit.set_relu_online_bytes(per_unit(online_bytes[0], units[0]));
  unit.set_relu_offline_seconds(offline[0]);
  unit.set_relu_online_seconds(online[0]);
  unit.set_truncation_offline_bytes(per_unit(offline_bytes[1], units[1]));
  unit.set_truncation_online_bytes(per_unit(online_bytes[1], units[1]));
  unit.set_truncation_offline_seconds(offline[1]);
  unit.set_truncation_online_seconds(online[1]);
  unit.set_comparison_offline_bytes(per_unit(offline_bytes[2], units[2]));
  unit.set_comparison_online_bytes(per_unit(online_bytes[2], units[2]));
  unit.set_comparison_offline_seconds(offline[2]);
  unit.set_comparison_online_seconds(online[2]);
  unit.set_garbled_offline_seconds_per_batch(offline[3]);
  unit.set_garbled_online_seconds_per_batch(online[3]);
  unit.set_garbled_online_knee_bytes(knee);
  unit.set_garbled_online_seconds_per_byte_beyond_knee(per_byte_beyond_knee);
  unit.set_garbled_online_knee_end_bytes(knee_end);
  unit.set_garbled_online_seconds_per_and(online_per_and);
  unit.set_garbled_online_seconds_per_byte(online_per_byte);

  std::vector<double> ots, corrections, macs, bytes, seconds;
  for (const LinearObservation& observation : observations.linear) {
    ots.push_back(static_cast<double>(observation.ots));
    corrections.push_back(static_cast<double>(observation.correction_bytes));
    macs.push_back(static_cast<double>(observation.macs));
    bytes.push_back(observation.bytes);
    seconds.push_back(observation.seconds);
  }
  const auto [bytes_per_ot, bytes_per_correction] = fit_two_terms(ots, corrections, bytes);
  unit.set_linear_offline_bytes_per_ot(bytes_per_ot);
  unit.set_linear_offline_bytes_per_correction_byte(bytes_per_correction);
  const std::vector<double> linear_fit =
      fit_non_negative({ots, macs}, seconds, relative_weights(seconds));
  const double seconds_per_ot = linear_fit[0], seconds_per_mac = linear_fit[1];
  unit.set_linear_offline_seconds_per_ot(seconds_per_ot);
  unit.set_linear_offline_seconds_per_mac(seconds_per_mac);

  std::vector<std::vector<double>> he(3);
  std::vector<double> he_seconds;
  for (const HeLinearObservation& observation : observations.he_linear) {
    he[0].push_back(static_cast<double>(observation.products));
    he[1].push_back(static_cast<double>(observation.ciphertexts));
    he[2].push_back(1.0);
    he_seconds.push_back(observation.seconds);
  }
  const std::vector<double> he_fit = fit_non_negative(he, he_seconds, relative_weights(he_seconds));
  unit.set_he_offline_seconds_per_product(he_fit[0]);
  unit.set_he_offline_seconds_per_ciphertext(he_fit[1]);
  unit.set_he_offline_seconds_per_layer(he_fit[2]);

  double io_elements = 0, other_bytes = 0;
  std::vector<std::vector<double>> online_rest(4), offline_rest(2);
  std::vector<double> online_rest_seconds, offline_rest_seconds, online_rest_weights,
      offline_rest_weights;
  for (const SessionObservation& session : observations.sessions) {
    // Weighed by the whole phase: the remainder's error counts as a share of it.
    online_rest_weights.push_back(inverse(session.online_seconds));
    offline_rest_weights.push_back(inverse(session.offline_seconds));
    io_elements += static_cast<double>(session.io_elements);
    other_bytes += std::max(0.0, session.other_online_bytes);
    online_rest[0].push_back(static_cast<double>(session.linear_macs));
    online_rest[1].push_back(static_cast<double>(session.linear_layers));
    online_rest[2].push_back(static_cast<double>(session.polynomial_elements));
    online_rest[3].push_back(1.0);
    online_rest_seconds.push_back(std::max(0.0, session.other_online_seconds));
    offline_rest[0].push_back(static_cast<double>(session.polynomial_elements));
    offline_rest[1].push_back(1.0);
    offline_rest_seconds.push_back(std::max(0.0, session.other_offline_seconds));
  }
  unit.set_io_online_bytes_per_element(per_unit(other_bytes, io_elements));
  const std::vector<double> rest_online =
      fit_non_negative(online_rest, online_rest_seconds, online_rest_weights);
  unit.set_linear_online_seconds_per_mac(rest_online[0]);
  unit.set_linear_online_seconds_per_layer(rest_online[1]);
  unit.set_polynomial_online_seconds(rest_online[2]);
  unit.set_online_seconds_per_session(rest_online[3]);
  const std::vector<double> rest_offline =
      fit_non_negative(offline_rest, offline_rest_seconds, offline_rest_weights);
  unit.set_polynomial_offline_seconds(rest_offline[0]);
  unit.set_offline_seconds_per_session(rest_offline[1]);
  return unit;
}

}  // namespace pinas::cost
