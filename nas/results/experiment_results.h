#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "nas/store/trial_record.h"
#include "proto/experiment.pb.h"

namespace pinas::nas {

// A network the config's `reduction { }` step derived from a trial
// (DIR/reductions/trial-N/front.json).
struct ReducedResult {
  std::int64_t trial = 0;       // the trial it was reduced from
  std::string method;
  std::int64_t budget = 0;
  std::int64_t relus = 0;
  std::int64_t polynomial_elements = 0;
  double val_accuracy = 0;
  double test_accuracy = 0;
  std::string model_file;
};

// An experiment folder read back for reporting (store opened read-only, so
// it works while the search runs).
struct ExperimentResults {
  std::filesystem::path folder;
  pb::ExperimentConfig config;
  std::vector<TrialRecord> trials;
  std::vector<ReducedResult> reduced;  // by trial, then budget; empty without the step
};

// The trial store inside an experiment folder.
std::filesystem::path store_path(const std::filesystem::path& folder);

// Reads `folder`/trials.db. Throws StoreError / ConfigError naming the folder.
ExperimentResults load_results(const std::filesystem::path& folder);

// Trials with a final, full-fidelity result (status complete), most accurate first (ties: lower
// trial number).
std::vector<TrialRecord> ranked_trials(const ExperimentResults& results);

// The Pareto front of accuracy (validation) against the experiment's cost
// (trial.cost: ReLUs or predicted seconds) among ranked_trials, by ascending cost.
std::vector<TrialRecord> pareto_trials(const ExperimentResults& results);

// {"trial", "genotype", "relus", "macs", "params", "cost", "status", "val_accuracy",
// "test_accuracy", ...}; for a PI_LATENCY experiment also "latency_s" (the predicted online
// seconds, equal to "cost").
nlohmann::json trial_json(const TrialRecord& trial, pb::CostMetric metric = pb::RELUS);

// {"reduced": true, "reduced_from", "method", "budget", "relus", "polynomial_elements",
// "val_accuracy", "test_accuracy", "model_file"}.
nlohmann::json reduced_json(const ReducedResult& reduced);

// A fixed-width table of reduced networks (from trial, method, budget, ReLUs,
// polynomial elements, val and test accuracy, model file).
std::string reduced_table(const std::vector<ReducedResult>& reduced);

// A fixed-width table of `trials` (trial, ReLUs, MACs, val and test accuracy,
// genotype); for a PI_LATENCY experiment a "latency s" column follows ReLUs.
std::string trial_table(const std::vector<TrialRecord>& trials, pb::CostMetric metric = pb::RELUS);

// An SVG scatter plot of validation accuracy against the experiment's cost
// (ReLUs, or predicted online seconds for PI_LATENCY) on a log scale: the
// front in colour (joined by a step line), dominated trials in grey, and the
// reduction step's networks as their own series (ReLU experiments).
std::string pareto_svg(const ExperimentResults& results);

}  // namespace pinas::nas
