// The online time model of garbled batches priced per AND gate and per byte
// (UnitCosts.garbled_online_seconds_per_and / _per_byte): the fit recovers
// known unit costs from step observations, and the model charges exactly the
// AND gates of the circuits the runtime runs.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "cost_models/calibration_fit.h"
#include "cost_models/layer_features.h"
#include "cost_models/pi_cost_model.h"
#include "cost_models/protocol_traffic.h"
#include "search_spaces/cost_report.h"
#include "search_spaces/presets.h"

namespace pinas::cost {
namespace {

// One batch of `copies` copies of a circuit with `ands` AND gates and
// `bytes` online bytes per copy, timed by the given unit costs.
GarbledObservation batch(std::string kind, std::int64_t copies, double ands, double bytes,
                         std::int64_t step, std::int64_t units_per_copy = 1) {
  constexpr double kPerAnd = 12e-9, kPerByte = 0.4e-9, kPerBatch = 1e-4;
  GarbledObservation observation;
  observation.kind = std::move(kind);
  observation.units = copies * units_per_copy;
  observation.and_gates = static_cast<double>(copies) * ands;
  observation.online_bytes = static_cast<double>(copies) * bytes;
  observation.online_seconds =
      kPerAnd * observation.and_gates + kPerByte * observation.online_bytes + kPerBatch;
  observation.offline_seconds = 3e-6 * static_cast<double>(copies);
  observation.step = step;
  return observation;
}

TEST(OnlineAndGateFit, RecoversSecondsPerAndGatePerBytePerBatchWithoutPerKindTerms) {
  CalibrationObservations observations;
  std::int64_t step = 0;
  for (std::int64_t copies : {256, 3000, 12288, 30720}) {
    observations.garbled.push_back(batch("relu", copies, 131, 776, step++));
    observations.garbled.push_back(batch("truncation", copies / 3, 94, 776, step++));
  }
  // A max pool is one step of three batches (corners, edges, interior).
  observations.garbled.push_back(batch("max_pool", 48, 523, 3080, step, 3));
  observations.garbled.push_back(batch("max_pool", 1440, 809, 4616, step, 5));
  observations.garbled.push_back(batch("max_pool", 10800, 1238, 6920, step++, 8));
  const pb::UnitCosts unit = fit_unit_costs(observations, false);
  EXPECT_NEAR(unit.garbled_online_seconds_per_and(), 12e-9, 1e-13);
  EXPECT_NEAR(unit.garbled_online_seconds_per_byte(), 0.4e-9, 1e-14);
  EXPECT_NEAR(unit.garbled_online_seconds_per_batch(), 1e-4, 1e-8);
  EXPECT_EQ(unit.relu_online_seconds(), 0);
  EXPECT_EQ(unit.truncation_online_seconds(), 0);
  EXPECT_EQ(unit.comparison_online_seconds(), 0);
  EXPECT_EQ(unit.garbled_online_knee_bytes(), 0);
  EXPECT_EQ(unit.garbled_online_seconds_per_byte_beyond_knee(), 0);
  // Offline is still fitted per kind.
  EXPECT_GT(unit.relu_offline_seconds(), 0);
}

TEST(OnlineAndGateFit, ObservationsWithoutAndCountsKeepThePerKindFit) {
  CalibrationObservations observations;
  std::int64_t step = 0;
  for (std::int64_t copies : {256, 3000, 12288}) {
    auto observation = batch("relu", copies, 131, 776, step++);
    observation.and_gates = 0;  // a file written before the field
    observations.garbled.push_back(observation);
  }
  const pb::UnitCosts unit = fit_unit_costs(observations, false);
  EXPECT_EQ(unit.garbled_online_seconds_per_and(), 0);
  EXPECT_GT(unit.relu_online_seconds(), 0);
}

TEST(OnlineAndGateFit, ModelChargesTheAndGatesOfTheRuntimesCircuits) {
  pb::PiCalibration calibration;
  calibration.set_ring_bits(48);
  calibration.set_fractional_bits(10);
  calibration.mutable_unit_costs()->set_garbled_online_seconds_per_and(1e-9);
  *calibration.mutable_network() = network_preset("loopback");
  const PiCostModel model(calibration);
  const auto architecture = spaces::make_preset("cryptonas-cnet1");
  const auto features =
      extract_features(architecture, spaces::analyze(architecture), model.parameters());
  double and_gates = 0;
  for (const auto& layer : features) {
    for (const auto& step : layer.steps) {
      for (const auto& garbled : step.batches) {
        and_gates += static_cast<double>(garbled.copies) *
                     static_cast<double>(garbled_and_gates_per_copy(garbled, model.parameters()));
      }
    }
  }
  // cnet1's 86,016 ReLUs at 131 AND gates each, and its truncations.
  EXPECT_GE(and_gates, 86016.0 * 131);
  // (loopback adds the bytes over its nominal 10^15 B/s: 0.07 us)
  EXPECT_NEAR(model.estimate(architecture).online_seconds, 1e-9 * and_gates, 1e-6);
}

}  // namespace
}  // namespace pinas::cost
