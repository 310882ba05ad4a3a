// Experiment configs that budget predicted private-inference latency
// (objective.cost PI_LATENCY): defaults, the calibration copied into the
// config, and an error naming the field for every misuse.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "nas/config/experiment_config.h"
#include "tests/nas/detail/config_errors.h"

namespace pinas::nas {
namespace {

std::string fixture_calibration() {
  return (std::filesystem::path(PINAS_SOURCE_DIR) / "tests/nas/cli/calibration_lan.textproto")
      .string();
}

// A valid latency budget over the CryptoNAS space; `objective_extra` goes
// inside objective { } and may replace the budget.
std::string latency_config(const std::string& objective = "budget { max_latency_s: 2.5 }",
                           const std::string& pi_latency = "") {
  return R"(
name: "latency"
space: "cryptonas"
dataset { name: "fashion-mnist" }
objective {
  )" + objective +
         R"(
  cost: PI_LATENCY
  source: SYNTHETIC
  pi_latency { calibration_file: ")" +
         fixture_calibration() + "\" " + pi_latency + R"( }
}
strategy { kind: RANDOM }
max_trials: 5
seed: 1
)";
}

std::string error_of(const std::string& text) {
  return test_support::config_error_of(text);
}

void expect_error(const std::string& text, const std::string& field, const std::string& why) {
  std::string message = error_of(text);
  EXPECT_NE(message.find("exp.textproto: field " + field + ": "), std::string::npos) << message;
  EXPECT_NE(message.find(why), std::string::npos) << message;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST(LatencyConfig, CopiesTheCalibrationAndDefaultsToTheLanNetwork) {
  auto config = parse_experiment_config(latency_config(), "exp.textproto");
  const auto& latency = config.objective().pi_latency();
  EXPECT_EQ(latency.network(), "lan");
  ASSERT_TRUE(latency.has_calibration());
  EXPECT_EQ(latency.calibration().ring_bits(), 64);
  EXPECT_DOUBLE_EQ(latency.calibration().unit_costs().relu_online_seconds(), 3.875e-06);
  EXPECT_DOUBLE_EQ(latency.calibration().network().bandwidth_bytes_per_second(), 125e6);
  EXPECT_DOUBLE_EQ(max_cost(config), 2.5);
  EXPECT_DOUBLE_EQ(min_cost(config), 0);
  EXPECT_EQ(cost_unit(config), "s");
  EXPECT_EQ(format_cost(config, 0.0125), "0.012500 s");
  // Round trip through the text the store keeps; it is self contained.
  auto again = parse_experiment_config(to_text(config), "stored");
  EXPECT_EQ(to_text(again), to_text(config));
}

TEST(LatencyConfig, StoredConfigNeedsNoCalibrationFile) {
  auto folder = std::filesystem::temp_directory_path() /
                ("pinas_latency_config_" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  auto copy = folder / "calibration.textproto";
  std::filesystem::copy_file(fixture_calibration(), copy,
                             std::filesystem::copy_options::overwrite_existing);
  std::string text = replaced(latency_config("budget { max_latency_s: 2.5 }", "network: \"wan\""),
                              fixture_calibration(), copy.string());
  auto config = parse_experiment_config(text, "exp.textproto");
  std::filesystem::remove_all(folder);
  auto stored = parse_experiment_config(to_text(config), "stored");
  EXPECT_EQ(stored.objective().pi_latency().network(), "wan");
  EXPECT_DOUBLE_EQ(stored.objective().pi_latency().calibration().network().round_trip_seconds(),
                   40e-3);
  // Without the copied calibration the file would be needed, and is gone.
  stored.mutable_objective()->mutable_pi_latency()->clear_calibration();
  EXPECT_THROW(complete_and_validate(stored, "stored"), ConfigError);
}

TEST(LatencyConfig, ParetoRangeIsInSeconds) {
  auto config = parse_experiment_config(
      latency_config("pareto { min_latency_s: 0.01 max_latency_s: 0.2 }"), "exp.textproto");
  EXPECT_DOUBLE_EQ(min_cost(config), 0.01);
  EXPECT_DOUBLE_EQ(max_cost(config), 0.2);
  expect_error(latency_config("pareto { min_latency_s: 0.2 max_latency_s: 0.1 }"),
               "objective.pareto.max_latency_s", "greater than min_latency_s");
  expect_error(latency_config("pareto { min_latency_s: -1 max_latency_s: 0.1 }"),
               "objective.pareto.min_latency_s", "non-negative");
  expect_error(latency_config("pareto { min_relus: 0 max_relus: 5000 max_latency_s: 0.1 }"),
               "objective.pareto.max_relus", "is a RELUS budget");
}

TEST(LatencyConfig, BudgetMustBeInSeconds) {
  expect_error(latency_config("budget { max_relus: 20000 }"), "objective.budget.max_relus",
               "is a RELUS budget, but objective.cost is PI_LATENCY");
  expect_error(latency_config("budget { max_latency_s: 0 }"), "objective.budget.max_latency_s",
               "positive");
  expect_error(latency_config("budget { max_latency_s: -0.5 }"), "objective.budget.max_latency_s",
               "positive");
  expect_error(latency_config("budget { max_latency_s: inf }"), "objective.budget.max_latency_s",
               "positive");
  expect_error(latency_config(""), "objective", "max_latency_s");
}

TEST(LatencyConfig, CalibrationFileIsRequiredReadableAndValid) {
  expect_error(
      replaced(latency_config(), "calibration_file: \"" + fixture_calibration() + "\"", ""),
      "objective.pi_latency.calibration_file", "pinas calibrate --out FILE");
  expect_error(
      replaced(latency_config(), fixture_calibration(), "/nonexistent/calibration.textproto"),
      "objective.pi_latency.calibration_file",
      "\"/nonexistent/calibration.textproto\" is not a readable file");

  auto folder =
      std::filesystem::temp_directory_path() / ("pinas_latency_bad_" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  auto malformed = folder / "malformed.textproto";
  std::ofstream(malformed) << "ring_bits: 64\nunit_costs { relu_online_bytes: lots }\n";
  expect_error(replaced(latency_config(), fixture_calibration(), malformed.string()),
               "objective.pi_latency.calibration_file",
               "cannot use \"" + malformed.string() + "\"");
  auto negative = folder / "negative.textproto";
  std::ofstream(negative)
      << "ring_bits: 64\nfractional_bits: 12\nunit_costs { relu_online_seconds: -1 }\n";
  expect_error(replaced(latency_config(), fixture_calibration(), negative.string()),
               "objective.pi_latency.calibration_file", "relu_online_seconds");
  std::filesystem::remove_all(folder);
}

TEST(LatencyConfig, NetworkMustBeAPreset) {
  expect_error(latency_config("budget { max_latency_s: 2.5 }", "network: \"moon\""),
               "objective.pi_latency.network",
               "unknown network \"moon\" (known: loopback, lan, wan)");
}

TEST(LatencyConfig, NeedsANetworkSpace) {
  std::string text = replaced(latency_config(), "space: \"cryptonas\"",
                              "space: \"synthetic\" synthetic_space { decisions: 4 choices: 3 }");
  expect_error(text, "objective.cost", "PI_LATENCY needs a network search space");
}

TEST(LatencyConfig, ReluExperimentsRefuseLatencyFields) {
  const std::string relus = R"(
space: "synthetic"
synthetic_space { decisions: 6 choices: 4 }
objective { budget { max_relus: 20000 } source: SYNTHETIC }
strategy { kind: RANDOM }
max_trials: 3
)";
  expect_error(replaced(relus, "max_relus: 20000", "max_relus: 20000 max_latency_s: 0.1"),
               "objective.budget.max_latency_s",
               "is a PI_LATENCY budget, but objective.cost is RELUS");
  expect_error(replaced(relus, "budget { max_relus: 20000 }",
                        "pareto { max_relus: 20000 max_latency_s: 0.1 }"),
               "objective.pareto.max_latency_s", "is a PI_LATENCY budget");
  expect_error(
      replaced(relus, "source: SYNTHETIC", "source: SYNTHETIC pi_latency { network: \"wan\" }"),
      "objective.pi_latency", "only used with `cost: PI_LATENCY`");
  expect_error(replaced(relus, "source: SYNTHETIC", "source: SYNTHETIC cost: 7"), "objective.cost",
               "unknown cost metric 7");
  // The ReLU axis itself is as before.
  auto config = parse_experiment_config(relus, "exp.textproto");
  EXPECT_EQ(cost_unit(config), "ReLUs");
  EXPECT_EQ(format_cost(config, 21504), "21504 ReLUs");
  EXPECT_FALSE(config.objective().has_pi_latency());
}

TEST(LatencyConfig, ShippedExampleParsesWithACalibration) {
  std::filesystem::path path = std::filesystem::path(PINAS_SOURCE_DIR) /
                               "experiments/latency_search/fashion_mnist.textproto";
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  std::stringstream text;
  text << in.rdbuf();
  // The example reads a calibration the user measures; the fixture stands in.
  std::string with_fixture =
      replaced(text.str(), "\"experiments/latency_search/calibration.textproto\"",
               "\"" + fixture_calibration() + "\"");
  auto config = parse_experiment_config(with_fixture, path.string());
  EXPECT_EQ(config.objective().cost(), pb::PI_LATENCY);
  EXPECT_EQ(config.objective().source(), pb::TRAINING);
}

}  // namespace
}  // namespace pinas::nas
