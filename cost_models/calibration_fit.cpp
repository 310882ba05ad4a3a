#include "cost_models/calibration_fit.h"

#include <cmath>
#include <limits>

namespace pinas::cost {
namespace {

double squared_error(const std::vector<double>& x1, const std::vector<double>& x2,
                     const std::vector<double>& y, double a, double b) {
  double error = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double residual = y[i] - a * x1[i] - b * x2[i];
    error += residual * residual;
  }
  return error;
}

double one_term(const std::vector<double>& x, const std::vector<double>& y) {
  double xx = 0, xy = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    xx += x[i] * x[i];
    xy += x[i] * y[i];
  }
  return xx > 0 ? std::max(0.0, xy / xx) : 0.0;
}

}  // namespace

std::pair<double, double> fit_two_terms(const std::vector<double>& x1,
                                        const std::vector<double>& x2,
                                        const std::vector<double>& y) {
  double s11 = 0, s12 = 0, s22 = 0, s1y = 0, s2y = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    s11 += x1[i] * x1[i];
    s12 += x1[i] * x2[i];
    s22 += x2[i] * x2[i];
    s1y += x1[i] * y[i];
    s2y += x2[i] * y[i];
  }
  std::pair<double, double> best{one_term(x1, y), 0.0};
  double best_error = squared_error(x1, x2, y, best.first, best.second);
  const auto consider = [&](double a, double b) {
    const double error = squared_error(x1, x2, y, a, b);
    if (error < best_error) {
      best = {a, b};
      best_error = error;
    }
  };
  consider(0.0, one_term(x2, y));
  const double determinant = s11 * s22 - s12 * s12;
  if (std::abs(determinant) > 1e-12 * std::max(1.0, s11 * s22)) {
    const double a = (s1y * s22 - s2y * s12) / determinant;
    const double b = (s2y * s11 - s1y * s12) / determinant;
    if (a >= 0 && b >= 0) consider(a, b);
  }
  return best;
}

pb::UnitCosts fit_unit_costs(const CalibrationObservations& observations, bool circa) {
  struct Sums {
    double units = 0, offline_bytes = 0, online_bytes = 0, offline_seconds = 0, online_seconds = 0;
  };
  const auto sum_kind = [&](const std::string& kind) {
    Sums sums;
    for (const GarbledObservation& observation : observations.garbled) {
      if (observation.kind != kind) continue;
      sums.units += static_cast<double>(observation.units);
      sums.offline_bytes += observation.offline_bytes;
      sums.online_bytes += observation.online_bytes;
      sums.offline_seconds += observation.offline_seconds;
      sums.online_seconds += observation.online_seconds;
    }
    return sums;
  };
  const auto per_unit = [](double total, double units) { return units > 0 ? total / units : 0.0; };

  pb::UnitCosts unit;
  const Sums relu = sum_kind(circa ? "circa" : "relu");
  unit.set_relu_offline_bytes(per_unit(relu.offline_bytes, relu.units));
  unit.set_relu_online_bytes(per_unit(relu.online_bytes, relu.units));
  unit.set_relu_offline_seconds(per_unit(relu.offline_seconds, relu.units));
  unit.set_relu_online_seconds(per_unit(relu.online_seconds, relu.units));
  const Sums truncation = sum_kind("truncation");
  unit.set_truncation_offline_bytes(per_unit(truncation.offline_bytes, truncation.units));
  unit.set_truncation_online_bytes(per_unit(truncation.online_bytes, truncation.units));
  unit.set_truncation_offline_seconds(per_unit(truncation.offline_seconds, truncation.units));
  unit.set_truncation_online_seconds(per_unit(truncation.online_seconds, truncation.units));
  const Sums comparison = sum_kind("max_pool");
  unit.set_comparison_offline_bytes(per_unit(comparison.offline_bytes, comparison.units));
  unit.set_comparison_online_bytes(per_unit(comparison.online_bytes, comparison.units));
  unit.set_comparison_offline_seconds(per_unit(comparison.offline_seconds, comparison.units));
  unit.set_comparison_online_seconds(per_unit(comparison.online_seconds, comparison.units));

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
  const auto [seconds_per_ot, seconds_per_mac] = fit_two_terms(ots, macs, seconds);
  unit.set_linear_offline_seconds_per_ot(seconds_per_ot);
  unit.set_linear_offline_seconds_per_mac(seconds_per_mac);

  std::vector<double> products, ciphertexts, he_seconds;
  for (const HeLinearObservation& observation : observations.he_linear) {
    products.push_back(static_cast<double>(observation.products));
    ciphertexts.push_back(static_cast<double>(observation.ciphertexts));
    he_seconds.push_back(observation.seconds);
  }
  const auto [seconds_per_product, seconds_per_ciphertext] =
      fit_two_terms(products, ciphertexts, he_seconds);
  unit.set_he_offline_seconds_per_product(seconds_per_product);
  unit.set_he_offline_seconds_per_ciphertext(seconds_per_ciphertext);

  double io_elements = 0, linear_macs = 0, other_bytes = 0, other_seconds = 0;
  for (const SessionObservation& session : observations.sessions) {
    io_elements += static_cast<double>(session.io_elements);
    linear_macs += static_cast<double>(session.linear_macs);
    other_bytes += std::max(0.0, session.other_online_bytes);
    other_seconds += std::max(0.0, session.other_online_seconds);
  }
  unit.set_io_online_bytes_per_element(per_unit(other_bytes, io_elements));
  unit.set_linear_online_seconds_per_mac(per_unit(other_seconds, linear_macs));
  return unit;
}

}  // namespace pinas::cost
