#include "nas/config/experiment_config.h"

#include <fmt/format.h>
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <thread>

#include "cost_models/pi_cost_model.h"
#include "nas/strategies/darts_options.h"
#include "nas/strategies/enas_options.h"

namespace pinas::nas {
namespace {

// Collects the first syntax error with its position (protobuf reports lines
// and columns 0-based).
class FirstErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (!has_error_) {
      has_error_ = true;
      message_ = fmt::format("{}:{}: {}", line + 1, column + 1, message);
    }
  }
  void AddWarning(int, google::protobuf::io::ColumnNumber, const std::string&) override {}
  bool has_error() const { return has_error_; }
  const std::string& message() const { return message_; }

 private:
  bool has_error_ = false;
  std::string message_;
};

[[noreturn]] void refuse(const std::string& origin, const std::string& field,
                         const std::string& why) {
  throw ConfigError(fmt::format("{}: field {}: {}", origin, field, why));
}

bool is_finite_non_negative(double value) {
  return std::isfinite(value) && value >= 0;
}

void complete_relu_objective(pb::ExperimentConfig& config, const std::string& origin) {
  auto& objective = *config.mutable_objective();
  if (objective.cost() != pb::RELUS)
    refuse(origin, "objective.cost",
           fmt::format("unknown cost metric {} (known: RELUS, PI_LATENCY)",
                       static_cast<int>(objective.cost())));
  if (objective.mode_case() == pb::ObjectiveConfig::MODE_NOT_SET)
    refuse(origin, "objective",
           "needs either `budget { max_relus: N }` or `pareto { min_relus: A max_relus: B }`");
  const char* latency_instead =
      "is a PI_LATENCY budget, but objective.cost is RELUS (budget ReLUs with max_relus, "
      "or set `cost: PI_LATENCY`)";
  if (objective.has_budget() && objective.budget().max_latency_s() != 0)
    refuse(origin, "objective.budget.max_latency_s", latency_instead);
  if (objective.has_budget() && objective.budget().max_relus() <= 0)
    refuse(origin, "objective.budget.max_relus", "must be positive");
  if (objective.has_pareto()) {
    if (objective.pareto().min_latency_s() != 0)
      refuse(origin, "objective.pareto.min_latency_s", latency_instead);
    if (objective.pareto().max_latency_s() != 0)
      refuse(origin, "objective.pareto.max_latency_s", latency_instead);
    if (objective.pareto().min_relus() < 0)
      refuse(origin, "objective.pareto.min_relus", "must not be negative");
    if (objective.pareto().max_relus() <= objective.pareto().min_relus())
      refuse(origin, "objective.pareto.max_relus", "must be greater than min_relus");
  }
  if (objective.has_pi_latency())
    refuse(origin, "objective.pi_latency",
           "is only used with `cost: PI_LATENCY` (this experiment budgets RELUS)");
}

// Fills pi_latency.network and pi_latency.calibration (from the file unless
// given inline) and checks the budget in seconds.
void complete_latency_objective(pb::ExperimentConfig& config, const std::string& origin) {
  auto& objective = *config.mutable_objective();
  if (config.space() == "synthetic")
    refuse(origin, "objective.cost",
           "PI_LATENCY needs a network search space (the synthetic space has no "
           "architectures to cost)");
  if (objective.mode_case() == pb::ObjectiveConfig::MODE_NOT_SET)
    refuse(origin, "objective",
           "needs either `budget { max_latency_s: S }` or `pareto { min_latency_s: A "
           "max_latency_s: B }`");
  const char* relus_instead =
      "is a RELUS budget, but objective.cost is PI_LATENCY (budget seconds with "
      "max_latency_s and min_latency_s)";
  if (objective.has_budget()) {
    if (objective.budget().max_relus() != 0)
      refuse(origin, "objective.budget.max_relus", relus_instead);
    if (!(objective.budget().max_latency_s() > 0) ||
        !std::isfinite(objective.budget().max_latency_s()))
      refuse(origin, "objective.budget.max_latency_s", "must be a positive number of seconds");
  }
  if (objective.has_pareto()) {
    const auto& pareto = objective.pareto();
    if (pareto.min_relus() != 0) refuse(origin, "objective.pareto.min_relus", relus_instead);
    if (pareto.max_relus() != 0) refuse(origin, "objective.pareto.max_relus", relus_instead);
    if (!is_finite_non_negative(pareto.min_latency_s()))
      refuse(origin, "objective.pareto.min_latency_s", "must be a non-negative number of seconds");
    if (!(pareto.max_latency_s() > pareto.min_latency_s()) ||
        !std::isfinite(pareto.max_latency_s()))
      refuse(origin, "objective.pareto.max_latency_s",
             "must be a number of seconds greater than min_latency_s");
  }

  auto& latency = *objective.mutable_pi_latency();
  if (latency.network().empty()) latency.set_network("lan");
  pb::NetworkModel network;
  try {
    network = cost::network_preset(latency.network());
  } catch (const Error&) {
    refuse(origin, "objective.pi_latency.network",
           fmt::format("unknown network \"{}\" (known: loopback, lan, wan)", latency.network()));
  }
  std::string field = "objective.pi_latency.calibration";
  if (!latency.has_calibration()) {
    field = "objective.pi_latency.calibration_file";
    const std::string& path = latency.calibration_file();
    if (path.empty())
      refuse(origin, field,
             "is required for PI_LATENCY (pinas has no built-in calibration: measure one on "
             "this machine with `pinas calibrate --out FILE`)");
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error))
      refuse(
          origin, field,
          fmt::format("\"{}\" is not a readable file (measure one with `pinas calibrate --out {}`)",
                      path, path));
    try {
      *latency.mutable_calibration() = cost::load_calibration(path);
    } catch (const Error& failure) {
      refuse(origin, field, fmt::format("cannot use \"{}\": {}", path, failure.what()));
    }
  }
  *latency.mutable_calibration()->mutable_network() = network;
  try {
    cost::PiCostModel check(latency.calibration());
  } catch (const Error& failure) {
    refuse(origin, field, failure.what());
  }
}

}  // namespace

pb::ExperimentConfig parse_experiment_config(const std::string& text, const std::string& origin) {
  pb::ExperimentConfig config;
  google::protobuf::TextFormat::Parser parser;
  FirstErrorCollector errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text, &config)) {
    throw ConfigError(fmt::format(
        "{}:{}", origin, errors.has_error() ? errors.message() : std::string(" unparsable")));
  }
  complete_and_validate(config, origin);
  return config;
}

pb::ExperimentConfig load_experiment_config(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError(fmt::format("{}: cannot read the experiment config", path.string()));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_experiment_config(buffer.str(), path.string());
}

void complete_and_validate(pb::ExperimentConfig& config, const std::string& origin) {
  if (config.space().empty())
    refuse(origin, "space", "is required (a search space name or \"synthetic\")");
  if (config.space() == "synthetic") {
    auto& synthetic = *config.mutable_synthetic_space();
    if (synthetic.decisions() <= 0 || synthetic.decisions() > 1000)
      refuse(origin, "synthetic_space.decisions", "must be in 1..1000");
    if (synthetic.choices() < 2 || synthetic.choices() > 64)
      refuse(origin, "synthetic_space.choices", "must be in 2..64");
  }
  auto& objective = *config.mutable_objective();
  if (objective.cost() == pb::PI_LATENCY)
    complete_latency_objective(config, origin);
  else
    complete_relu_objective(config, origin);
  if (objective.synthetic_epoch_seconds() < 0 || objective.synthetic_epoch_seconds() > 60)
    refuse(origin, "objective.synthetic_epoch_seconds", "must be in [0, 60]");
  if (objective.source() == pb::TRAINING) {
    if (config.space() == "synthetic")
      refuse(origin, "objective.source", "the synthetic space can only be used with SYNTHETIC");
    auto& dataset = *config.mutable_dataset();
    if (dataset.name().empty()) refuse(origin, "dataset.name", "is required when training");
    // The same specs as `pinas train --data` (train/data/data_spec.cpp).
    bool known = dataset.name() == "fashion-mnist" || dataset.name().rfind("cifar10:", 0) == 0 ||
                 dataset.name().rfind("cifar100:", 0) == 0 ||
                 dataset.name().rfind("folder:", 0) == 0;
    if (!known)
      refuse(origin, "dataset.name",
             fmt::format("unknown dataset \"{}\" (known: fashion-mnist, cifar10:DIR, cifar100:DIR, "
                         "folder:DIR)",
                         dataset.name()));
    if (dataset.train_subset() < 0) refuse(origin, "dataset.train_subset", "must not be negative");
    if (dataset.validation_fraction() == 0) dataset.set_validation_fraction(0.1);
    if (dataset.validation_fraction() <= 0 || dataset.validation_fraction() >= 1)
      refuse(origin, "dataset.validation_fraction", "must be in (0, 1)");
    if (dataset.test_subset() < 0) refuse(origin, "dataset.test_subset", "must not be negative");
  }

  auto& strategy = *config.mutable_strategy();
  if (strategy.kind() == pb::STRATEGY_UNSET)
    refuse(origin, "strategy.kind",
           "is required (RANDOM, EVOLUTION, REINFORCE, NSGA2, DARTS or ENAS)");
  if (strategy.population_size() == 0) strategy.set_population_size(20);
  if (strategy.sample_size() == 0) strategy.set_sample_size(5);
  if (strategy.batch_size() == 0) strategy.set_batch_size(8);
  if (strategy.learning_rate() == 0) strategy.set_learning_rate(0.02);
  if (strategy.entropy_weight() == 0) strategy.set_entropy_weight(0.01);
  if (strategy.baseline_decay() == 0) strategy.set_baseline_decay(0.9);
  if (strategy.hidden_size() == 0) strategy.set_hidden_size(32);
  if (strategy.population_size() < 2)
    refuse(origin, "strategy.population_size", "must be at least 2");
  if (strategy.sample_size() < 1 || strategy.sample_size() > strategy.population_size())
    refuse(origin, "strategy.sample_size", "must be in 1..population_size");
  if (strategy.batch_size() < 1) refuse(origin, "strategy.batch_size", "must be positive");
  if (strategy.learning_rate() <= 0) refuse(origin, "strategy.learning_rate", "must be positive");
  if (strategy.entropy_weight() < 0)
    refuse(origin, "strategy.entropy_weight", "must not be negative");
  if (strategy.baseline_decay() <= 0 || strategy.baseline_decay() >= 1)
    refuse(origin, "strategy.baseline_decay", "must be in (0, 1)");
  if (strategy.hidden_size() < 1 || strategy.hidden_size() > 1024)
    refuse(origin, "strategy.hidden_size", "must be in 1..1024");
  if (strategy.mutation_rate() < 0 || strategy.mutation_rate() > 1)
    refuse(origin, "strategy.mutation_rate", "must be in [0, 1]");
  complete_darts_options(config, origin);
  complete_enas_options(config, origin);
  // A weight-sharing search trains the networks it derives.
  if (is_weight_sharing(strategy.kind()) && config.max_trials() == 0)
    config.set_max_trials(derived_network_count(strategy));

  auto& fidelity = *config.mutable_fidelity();
  if (fidelity.min_epochs() == 0) fidelity.set_min_epochs(1);
  if (fidelity.max_epochs() == 0) fidelity.set_max_epochs(fidelity.min_epochs());
  if (fidelity.reduction_factor() == 0) fidelity.set_reduction_factor(3);
  if (fidelity.min_epochs() < 1) refuse(origin, "fidelity.min_epochs", "must be positive");
  if (fidelity.max_epochs() < fidelity.min_epochs())
    refuse(origin, "fidelity.max_epochs", "must be at least min_epochs");
  if (fidelity.max_epochs() > 10000) refuse(origin, "fidelity.max_epochs", "must be at most 10000");
  if (fidelity.reduction_factor() < 2)
    refuse(origin, "fidelity.reduction_factor", "must be at least 2");
  if (fidelity.train_subset() < 0) refuse(origin, "fidelity.train_subset", "must not be negative");

  auto& training = *config.mutable_training();
  if (training.batch_size() == 0) training.set_batch_size(64);
  if (training.learning_rate() == 0) training.set_learning_rate(0.05);
  if (training.weight_decay() == 0) training.set_weight_decay(5e-4);
  if (training.batch_size() < 1) refuse(origin, "training.batch_size", "must be positive");
  if (training.learning_rate() <= 0) refuse(origin, "training.learning_rate", "must be positive");
  if (training.weight_decay() < 0) refuse(origin, "training.weight_decay", "must not be negative");
  // 0 stays 0: it means "this machine's cores", resolved by trainer_threads()
  // where the search runs, so a stored config resumes well on another machine.
  if (training.threads_per_trial() < 0 || training.threads_per_trial() > 4096)
    refuse(origin, "training.threads_per_trial", "must be in 0..4096 (0: every core)");

  if (config.max_trials() <= 0) refuse(origin, "max_trials", "must be positive");
  if (config.has_reduction()) {
    const auto& reduction = config.reduction();
    const std::string method = reduction.method();
    if (method != "snl" && method != "snl-channel" && method != "autorep" &&
        method != "deepreduce") {
      refuse(origin, "reduction.method",
             "'" + method + "' is not snl, snl-channel, autorep or deepreduce");
    }
    if (reduction.budgets_size() == 0)
      refuse(origin, "reduction.budgets", "needs at least one ReLU budget");
    for (auto budget : reduction.budgets()) {
      if (budget <= 0) refuse(origin, "reduction.budgets", "every budget must be positive");
    }
    if (reduction.candidates() < 0 || reduction.epochs() < 0 || reduction.finetune_epochs() < 0 ||
        reduction.criticality_epochs() < 0) {
      refuse(origin, "reduction", "candidates and epochs must not be negative");
    }
    if (config.space() == "synthetic")
      refuse(origin, "reduction", "the synthetic space trains no networks");
  }
  if (config.parallelism() == 0) config.set_parallelism(1);
  if (config.parallelism() < 1 || config.parallelism() > 1024)
    refuse(origin, "parallelism", "must be in 1..1024");
  if (config.name().empty()) config.set_name("experiment");
}

int trainer_threads(const pb::ExperimentConfig& config, int trainers) {
  if (config.training().threads_per_trial() > 0) return config.training().threads_per_trial();
  const int cores = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  return std::max(1, cores / std::max(1, trainers));
}

std::string to_text(const pb::ExperimentConfig& config) {
  std::string text;
  google::protobuf::TextFormat::PrintToString(config, &text);
  return text;
}

double max_cost(const pb::ExperimentConfig& config) {
  const auto& objective = config.objective();
  if (objective.cost() == pb::PI_LATENCY)
    return objective.has_budget() ? objective.budget().max_latency_s()
                                  : objective.pareto().max_latency_s();
  return static_cast<double>(objective.has_budget() ? objective.budget().max_relus()
                                                    : objective.pareto().max_relus());
}

double min_cost(const pb::ExperimentConfig& config) {
  const auto& objective = config.objective();
  if (!objective.has_pareto()) return 0;
  return objective.cost() == pb::PI_LATENCY ? objective.pareto().min_latency_s()
                                            : static_cast<double>(objective.pareto().min_relus());
}

std::string cost_unit(const pb::ExperimentConfig& config) {
  return config.objective().cost() == pb::PI_LATENCY ? "s" : "ReLUs";
}

std::string format_cost(const pb::ExperimentConfig& config, double cost) {
  if (config.objective().cost() == pb::PI_LATENCY) return fmt::format("{:.6f} s", cost);
  return fmt::format("{} ReLUs", static_cast<long long>(cost));
}

}  // namespace pinas::nas
