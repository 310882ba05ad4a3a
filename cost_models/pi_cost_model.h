#pragma once

#include <filesystem>
#include <string>

#include "cost_models/cost_model.h"
#include "proto/cost_model.pb.h"

namespace pinas::cost {

// The private-inference cost model: per-layer features (layer_features.h)
// times unit costs measured on pinas' own two-party runtime
// (`pinas calibrate`), plus a network model. Online seconds are what
// `cost()` returns, so a search can budget predicted latency instead of
// ReLUs. Bytes and online rounds are exact: counted message by message as
// the runtime sends them (protocol_traffic.h) for the calibration's linear
// backend and ReLU mode. Seconds are linear in the features times the unit
// costs, plus transfer time and round trips under the network model.
// Thread-safe (immutable after construction).
class PiCostModel final : public CostModel {
 public:
  // Requires finite unit costs >= 0, bandwidth > 0 and round trip >= 0; throws
  // pinas::Error naming the offending field otherwise.
  explicit PiCostModel(pb::PiCalibration calibration);

  std::string name() const override { return "pi-latency"; }
  std::string unit() const override { return "s"; }
  CostEstimate estimate(const spaces::Architecture& architecture) const override;

  const pb::PiCalibration& calibration() const { return calibration_; }
  // The protocol parameters the calibration was measured with.
  ProtocolParameters parameters() const;

 private:
  pb::PiCalibration calibration_;
};

// The protocol parameters a calibration was measured with (its ring, scales,
// ReLU mode and linear backend). Throws pinas::Error for an unknown backend.
ProtocolParameters protocol_parameters(const pb::PiCalibration& calibration);

// The share (0 to 1) of the online per-byte premium a garbled batch of
// `bytes` online bytes pays under `unit` (its knee and knee end).
double knee_share(double bytes, const pb::UnitCosts& unit);

// The linear backend a calibration names (field linear_backend; empty: HE).
// Throws pinas::Error for another name.
LinearBackend linear_backend_of(const pb::PiCalibration& calibration);

// Whether a calibration models Circa's stochastic ReLU: circa_relu, or, in
// files older than that field, circa_truncated_bits > 0. Thread-safe.
bool uses_circa(const pb::PiCalibration& calibration);

// Named network models: "loopback" (what calibration measures: no transfer
// or latency cost), "lan" (1 Gbit/s, 0.5 ms round trip), "wan" (100 Mbit/s,
// 40 ms round trip). Throws pinas::Error for another name.
pb::NetworkModel network_preset(const std::string& name);

// Reads a calibration in protobuf text format. Throws pinas::Error naming
// the file and line.
pb::PiCalibration load_calibration(const std::filesystem::path& path);

// Writes a calibration in protobuf text format. Throws pinas::Error naming
// the file.
void save_calibration(const pb::PiCalibration& calibration, const std::filesystem::path& path);

}  // namespace pinas::cost
