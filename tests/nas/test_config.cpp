#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <thread>

#include "nas/config/experiment_config.h"
#include "tests/nas/detail/config_errors.h"

namespace pinas::nas {
namespace {

const char* kValid = R"(
name: "t"
space: "synthetic"
synthetic_space { decisions: 6 choices: 4 }
objective { budget { max_relus: 20000 } source: SYNTHETIC }
strategy { kind: EVOLUTION }
fidelity { min_epochs: 1 max_epochs: 9 }
max_trials: 30
seed: 4
)";

std::string error_of(const std::string& text) {
  return test_support::config_error_of(text);
}

TEST(ExperimentConfig, ValidConfigGetsDefaults) {
  auto config = parse_experiment_config(kValid, "exp.textproto");
  EXPECT_EQ(config.strategy().population_size(), 20);
  EXPECT_EQ(config.fidelity().reduction_factor(), 3);
  EXPECT_EQ(config.parallelism(), 1);
  EXPECT_EQ(max_cost(config), 20000);
  // Round trip through the text the store keeps.
  auto again = parse_experiment_config(to_text(config), "stored");
  EXPECT_EQ(to_text(again), to_text(config));
}

TEST(ExperimentConfig, SyntaxErrorNamesFileLineAndColumn) {
  std::string text = std::string(kValid) + "max_trails: 3\n";
  std::string message = error_of(text);
  EXPECT_NE(message.find("exp.textproto:10:"), std::string::npos) << message;
  EXPECT_NE(message.find("max_trails"), std::string::npos) << message;
  message = error_of("space: \"synthetic\"\nobjective { budget { max_relus: twelve } }\n");
  EXPECT_NE(message.find("exp.textproto:2:"), std::string::npos) << message;
}

TEST(ExperimentConfig, SemanticErrorsNameTheField) {
  auto expect_field = [](std::string text, const std::string& from, const std::string& to,
                         const std::string& field) {
    auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    std::string message = error_of(text);
    EXPECT_NE(message.find("field " + field), std::string::npos) << message;
  };
  expect_field(kValid, "max_relus: 20000", "max_relus: -1", "objective.budget.max_relus");
  expect_field(kValid, "budget { max_relus: 20000 }", "pareto { min_relus: 10 max_relus: 5 }",
               "objective.pareto.max_relus");
  expect_field(kValid, "kind: EVOLUTION", "kind: EVOLUTION sample_size: 50",
               "strategy.sample_size");
  expect_field(kValid, "min_epochs: 1 max_epochs: 9", "min_epochs: 4 max_epochs: 2",
               "fidelity.max_epochs");
  expect_field(kValid, "max_trials: 30", "max_trials: 0", "max_trials");
  expect_field(kValid, "source: SYNTHETIC", "source: TRAINING", "objective.source");
  expect_field(kValid, "decisions: 6", "decisions: 0", "synthetic_space.decisions");
  expect_field(kValid, "strategy { kind: EVOLUTION }", "", "strategy.kind");
  expect_field(kValid,
               "space: \"synthetic\"\nsynthetic_space { decisions: 6 choices: 4 }\nobjective { "
               "budget { max_relus: 20000 } source: SYNTHETIC }",
               "space: \"nb201\" dataset { name: \"mnist\" } objective { budget { max_relus: 9 } }",
               "dataset.name");
  expect_field(kValid, "objective { budget { max_relus: 20000 } source: SYNTHETIC }", "",
               "objective");
}

TEST(ExperimentConfig, TrainersShareEveryCoreByDefault) {
  auto config = parse_experiment_config(kValid, "exp.textproto");
  // Unset stays 0 in the stored config, so a store resumes on another machine
  // with that machine's cores.
  EXPECT_EQ(config.training().threads_per_trial(), 0);
  EXPECT_EQ(to_text(config).find("threads_per_trial"), std::string::npos);
  const int cores = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  EXPECT_EQ(trainer_threads(config, 1), cores);
  EXPECT_EQ(trainer_threads(config, 2), std::max(1, cores / 2));
  EXPECT_EQ(trainer_threads(config, 4 * cores), 1);  // never 0, never over the cores
  EXPECT_LE(trainer_threads(config, 3) * 3, std::max(3, cores));
  config.mutable_training()->set_threads_per_trial(3);
  EXPECT_EQ(trainer_threads(config, 8), 3);  // an explicit count is the user's call
  EXPECT_NE(error_of(std::string(kValid) + "training { threads_per_trial: -1 }\n")
                .find("field training.threads_per_trial"),
            std::string::npos);
}

TEST(ExperimentConfig, UnreadableFileIsRefused) {
  EXPECT_THROW(load_experiment_config("/nonexistent/exp.textproto"), ConfigError);
}

TEST(ExperimentConfig, ShippedConfigsParse) {
  for (const char* name :
       {"experiments/quickstart/fashion_mnist.textproto", "experiments/quickstart/smoke.textproto",
        "experiments/quickstart/cifar10.textproto", "experiments/slurm/fashion_mnist.textproto",
        "experiments/darts_cifar10/search.textproto",
        "experiments/darts_fashion_mnist/search.textproto",
        "experiments/enas_fashion_mnist/search.textproto",
        "experiments/enas_cifar10/search.textproto"}) {
    std::filesystem::path path = std::filesystem::path(PINAS_SOURCE_DIR) / name;
    EXPECT_NO_THROW(load_experiment_config(path)) << path;
  }
}

}  // namespace
}  // namespace pinas::nas
