#pragma once

#include <filesystem>
#include <string>

#include "proto/error.h"
#include "proto/experiment.pb.h"

namespace pinas::nas {

// An experiment config that cannot be used. The message names the file, the
// line and column for syntax errors, and the field for semantic ones.
class ConfigError : public Error {
 public:
  using Error::Error;
};

// Parses protobuf text format. `origin` names the source in messages
// ("quickstart.textproto:12:5: ..."). Fills defaults (see
// proto/experiment.proto) and validates. Throws ConfigError. Thread-safe.
pb::ExperimentConfig parse_experiment_config(const std::string& text, const std::string& origin);

// Reads and parses `path`. Throws ConfigError (also for an unreadable file).
pb::ExperimentConfig load_experiment_config(const std::filesystem::path& path);

// Fills defaults for unset fields, then checks every field; throws
// ConfigError naming the first bad field ("objective.budget.max_relus must be
// positive"). For cost PI_LATENCY it reads objective.pi_latency.calibration_file
// into objective.pi_latency.calibration (once: a config that holds the
// calibration never reads the file again) and applies the network preset.
// Idempotent.
void complete_and_validate(pb::ExperimentConfig& config, const std::string& origin);

// The intra-op threads of one trainer when `trainers` train at once on this
// machine: training.threads_per_trial when it is set, otherwise the machine's
// cores split evenly among them (at least 1), so the default uses every core
// without oversubscription. Requires a validated config. Thread-safe.
int trainer_threads(const pb::ExperimentConfig& config, int trainers);

// The config as protobuf text format (what the trial store keeps).
std::string to_text(const pb::ExperimentConfig& config);

// The highest cost a candidate may have (budget or top of the Pareto range),
// and the lowest (0 in budget mode), in the unit of objective.cost: ReLUs
// (exact as doubles) or predicted online seconds. Requires a validated config.
double max_cost(const pb::ExperimentConfig& config);
double min_cost(const pb::ExperimentConfig& config);

// The unit of the cost axis: "ReLUs" (RELUS) or "s" (PI_LATENCY).
std::string cost_unit(const pb::ExperimentConfig& config);

// A cost with its unit for messages: "21504 ReLUs" or "0.012345 s".
std::string format_cost(const pb::ExperimentConfig& config, double cost);

}  // namespace pinas::nas
