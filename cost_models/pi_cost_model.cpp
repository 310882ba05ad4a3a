#include "cost_models/pi_cost_model.h"

#include <algorithm>
#include <cmath>
#include <fstream>

#include "cost_models/protocol_traffic.h"
#include "proto/error.h"
#include "search_spaces/architecture_io.h"
#include "search_spaces/cost_report.h"

namespace pinas::cost {
namespace {

void require_non_negative(const google::protobuf::Message& message) {
  const auto* descriptor = message.GetDescriptor();
  const auto* reflection = message.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const auto* field = descriptor->field(i);
    if (field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_DOUBLE) continue;
    const double value = reflection->GetDouble(message, field);
    // Infinity passes >= 0 but turns costs into inf or NaN (inf x 0); a
    // text file holding a number beyond double's range parses to it.
    if (!(value >= 0) || !std::isfinite(value)) {
      throw Error("cost calibration: field '" + field->full_name() +
                  "' must be finite and >= 0, got " + std::to_string(value));
    }
  }
}

// A garbled batch's online bytes per copy, from the calibration's exact
// per-unit bytes (a max-pool copy makes window - 1 comparisons).
double online_bytes_per_unit(const GarbledBatchFeatures& batch, const pb::UnitCosts& unit) {
  switch (batch.kind) {
    case GarbledBatchFeatures::Kind::kRelu:
    case GarbledBatchFeatures::Kind::kCirca:
      return unit.relu_online_bytes();
    case GarbledBatchFeatures::Kind::kTruncation:
      return unit.truncation_online_bytes();
    case GarbledBatchFeatures::Kind::kMaxPool:
      return unit.comparison_online_bytes() * std::max(1, batch.window - 1);
  }
  return 0;
}

}  // namespace

PiCostModel::PiCostModel(pb::PiCalibration calibration) : calibration_(std::move(calibration)) {
  parameters().validate();  // also checks linear_backend
  require_non_negative(calibration_.unit_costs());
  require_non_negative(calibration_.network());
  if (!(calibration_.network().bandwidth_bytes_per_second() > 0)) {
    throw Error("cost calibration: field 'network.bandwidth_bytes_per_second' must be > 0");
  }
}

double knee_share(double bytes, const pb::UnitCosts& unit) {
  const double start = unit.garbled_online_knee_bytes();
  const double end = unit.garbled_online_knee_end_bytes();
  if (bytes <= start) return 0.0;
  if (end <= start || bytes >= end) return 1.0;
  return (bytes - start) / (end - start);
}

ProtocolParameters PiCostModel::parameters() const {
  return protocol_parameters(calibration_);
}

ProtocolParameters protocol_parameters(const pb::PiCalibration& calibration) {
  ProtocolParameters parameters;
  parameters.ring_bits = calibration.ring_bits();
  parameters.fractional_bits = calibration.fractional_bits();
  parameters.weight_bits = calibration.weight_bits();
  parameters.scale_limit = calibration.scale_limit();
  parameters.circa = uses_circa(calibration);
  if (parameters.circa) parameters.circa_dropped_bits = calibration.circa_truncated_bits();
  parameters.linear_backend = linear_backend_of(calibration);
  return parameters;
}

bool uses_circa(const pb::PiCalibration& calibration) {
  return calibration.circa_relu() || calibration.circa_truncated_bits() > 0;
}

LinearBackend linear_backend_of(const pb::PiCalibration& calibration) {
  const std::string& name = calibration.linear_backend();
  if (name.empty() || name == "he") return LinearBackend::kHe;
  if (name == "ot") return LinearBackend::kOt;
  throw Error("cost calibration: field 'linear_backend' must be \"he\" or \"ot\", got '" + name +
              "'");
}

CostEstimate PiCostModel::estimate(const spaces::Architecture& architecture) const {
  const spaces::CostReport report = spaces::analyze(architecture);
  const pb::UnitCosts& unit = calibration_.unit_costs();
  const ProtocolParameters protocol = parameters();
  std::vector<LayerFeatures> features = extract_features(architecture, report, protocol);
  // Bytes and rounds are counted message by message, as the runtime sends them.
  const SessionTraffic traffic = count_session_traffic(
      features, architecture.node(architecture.input_node()).input_shape.elements(),
      report.output.elements(), protocol);
  CostEstimate estimate;
  estimate.layers.reserve(features.size());
  double offline_compute = 0;
  double online_compute = 0;
  for (std::size_t index = 0; index < features.size(); ++index) {
    LayerFeatures& layer_features = features[index];
    if (layer_features.is_free()) continue;
    LayerEstimate layer;
    const auto relus = static_cast<double>(layer_features.relus);
    const auto truncations = static_cast<double>(layer_features.truncations);
    const auto comparisons = static_cast<double>(layer_features.comparisons);
    const auto polynomials = static_cast<double>(layer_features.polynomial_elements);
    const auto macs = static_cast<double>(layer_features.linear_macs);
    const auto ots = static_cast<double>(layer_features.linear_ots);
    layer.offline_bytes = static_cast<double>(traffic.layer_offline_bytes[index]);
    layer.online_bytes = static_cast<double>(traffic.layer_online_bytes[index]);
    // Linear layers offline: Gilboa's OTs and MACs, or the HE plans' products and ciphertexts.
    const double linear_offline =
        protocol.linear_backend == LinearBackend::kHe
            ? static_cast<double>(traffic.layer_he_products[index]) *
                      unit.he_offline_seconds_per_product() +
                  static_cast<double>(traffic.layer_he_ciphertexts[index]) *
                      unit.he_offline_seconds_per_ciphertext()
            : ots * unit.linear_offline_seconds_per_ot() +
                  macs * unit.linear_offline_seconds_per_mac();
    const auto and_gates = static_cast<double>(traffic.layer_and_gates[index]);
    double batches = 0, bytes_beyond_knee = 0, garbled_bytes = 0;
    for (const InteractiveStep& step : layer_features.steps) {
      batches += static_cast<double>(step.batches.size());
      for (const GarbledBatchFeatures& batch : step.batches) {
        const double bytes = static_cast<double>(batch.copies) * online_bytes_per_unit(batch, unit);
        bytes_beyond_knee += bytes * knee_share(bytes, unit);
        garbled_bytes += bytes;
      }
    }
    const auto linear_layers = static_cast<double>(layer_features.linear_layers.size());
    layer.offline_seconds = batches * unit.garbled_offline_seconds_per_batch() +
                            (protocol.linear_backend == LinearBackend::kHe
                                 ? linear_layers * unit.he_offline_seconds_per_layer()
                                 : 0.0) +
                            relus * unit.relu_offline_seconds() +
                            truncations * unit.truncation_offline_seconds() +
                            comparisons * unit.comparison_offline_seconds() +
                            polynomials * unit.polynomial_offline_seconds() + linear_offline;
    layer.online_seconds = batches * unit.garbled_online_seconds_per_batch() +
                           bytes_beyond_knee * unit.garbled_online_seconds_per_byte_beyond_knee() +
                           and_gates * unit.garbled_online_seconds_per_and() +
                           garbled_bytes * unit.garbled_online_seconds_per_byte() +
                           linear_layers * unit.linear_online_seconds_per_layer() +
                           relus * unit.relu_online_seconds() +
                           truncations * unit.truncation_online_seconds() +
                           comparisons * unit.comparison_online_seconds() +
                           polynomials * unit.polynomial_online_seconds() +
                           macs * unit.linear_online_seconds_per_mac();
    offline_compute += layer.offline_seconds;
    online_compute += layer.online_seconds;
    layer.features = std::move(layer_features);
    estimate.layers.push_back(std::move(layer));
  }
  estimate.offline_bytes = static_cast<double>(traffic.offline_bytes);
  estimate.online_bytes = static_cast<double>(traffic.online_bytes);
  estimate.online_rounds = traffic.online_rounds;
  estimate.totals = sum_features(features);  // free layers add nothing
  const pb::NetworkModel& network = calibration_.network();
  estimate.offline_seconds = unit.offline_seconds_per_session() + offline_compute +
                             estimate.offline_bytes / network.bandwidth_bytes_per_second() +
                             network.round_trip_seconds();
  estimate.online_seconds =
      unit.online_seconds_per_session() + online_compute +
      estimate.online_bytes / network.bandwidth_bytes_per_second() +
      static_cast<double>(estimate.online_rounds) * network.round_trip_seconds();
  estimate.cost = estimate.online_seconds;
  return estimate;
}

pb::NetworkModel network_preset(const std::string& name) {
  pb::NetworkModel network;
  if (name == "loopback") {
    network.set_bandwidth_bytes_per_second(1e15);
    network.set_round_trip_seconds(0);
  } else if (name == "lan") {
    network.set_bandwidth_bytes_per_second(125e6);
    network.set_round_trip_seconds(0.5e-3);
  } else if (name == "wan") {
    network.set_bandwidth_bytes_per_second(12.5e6);
    network.set_round_trip_seconds(40e-3);
  } else {
    throw Error("cost model: unknown network '" + name + "' (known: loopback, lan, wan)");
  }
  return network;
}

pb::PiCalibration load_calibration(const std::filesystem::path& path) {
  pb::PiCalibration calibration;
  spaces::parse_text_message(spaces::read_file(path), path.string(), calibration);
  return calibration;
}

void save_calibration(const pb::PiCalibration& calibration, const std::filesystem::path& path) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) throw Error(path.string() + ": cannot open for writing");
  out << spaces::print_text_message(calibration);
  if (!out) throw Error(path.string() + ": write failed");
}

}  // namespace pinas::cost
