#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "proto/experiment.pb.h"

namespace pinas::nas::detail {

// The per-layer private-inference cost of one trial's network, under the
// experiment's own cost model: the ReLU-count model (cost RELUS) or the
// calibrated PI model the config holds (cost PI_LATENCY, bytes and seconds
// too). Returns {"model", "unit", "layers": [{"name", "op", "relus",
// "truncations", "comparisons", "polynomial_elements", "linear_macs",
// "offline_bytes", "online_bytes", "offline_s", "online_s"}], "totals": {...}}
// or, where no network exists to break down (the synthetic space, an
// unparsable genotype), {"unavailable": reason}. Never throws for a bad
// genotype; thread-safe.
nlohmann::json layer_breakdown(const pb::ExperimentConfig& config,
                               const std::string& genotype_proto);

}  // namespace pinas::nas::detail
