#pragma once

#include <string>
#include <vector>

#include "proto/experiment.pb.h"

namespace pinas::nas {

// True for the strategies that train one weight-sharing supernet before any
// trial (DARTS, ENAS) instead of proposing candidates one by one.
bool is_weight_sharing(pb::StrategyKind kind);

// The trials a weight-sharing strategy derives from its supernet (DARTS: one
// per final_cells entry; ENAS: one); 0 for other strategies. Thread-safe.
int derived_network_count(const pb::StrategyConfig& strategy);

// For `strategy { kind: DARTS }`: fills every unset field of strategy.darts
// with Sphynx's value (proto/experiment.proto) and checks the experiment can
// run it: space "sphynx", source TRAINING, cost RELUS, sane ranges. Throws
// ConfigError naming `origin` and the field. Does nothing for other kinds.
// Idempotent. Thread-safe.
void complete_darts_options(pb::ExperimentConfig& config, const std::string& origin);

// Fills every unset field of `options` (strategy.darts.locations) with Sphynx's value and checks
// the ranges. Throws ConfigError naming `origin` and the field (strategy.darts.locations.<field>).
// Idempotent. Thread-safe.
void complete_location_options(pb::SphynxLocationOptions& options, const std::string& origin);

// The reduction cells of the final L-cell network when none are configured:
// Sphynx's published choices ([0, 1] for L = 5 and 6, [1, 3] for 8, [0, 5]
// for 10), else L/3 and 2L/3 (DARTS), deduplicated. Requires cells >= 1.
std::vector<int> default_final_reductions(int cells);

}  // namespace pinas::nas
