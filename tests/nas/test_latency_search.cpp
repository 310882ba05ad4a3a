// Searches under a predicted private-inference latency budget (objective.cost
// PI_LATENCY) over the CryptoNAS space with the synthetic objective: the
// cost recorded is the PI cost model's prediction, candidates over the budget
// are never trained, a killed search resumes to the same trials, and the
// results speak seconds.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <sstream>

#include "cost_models/pi_cost_model.h"
#include "nas/config/experiment_config.h"
#include "nas/controller/experiment_runner.h"
#include "nas/controller/search_controller.h"
#include "nas/evaluation/synthetic_evaluator.h"
#include "nas/results/experiment_results.h"
#include "proto/genotype.pb.h"
#include "search_spaces/search_space.h"
#include "tests/nas/detail/dying_executor.h"

namespace pinas::nas {
namespace {

std::string fixture_calibration() {
  return (std::filesystem::path(PINAS_SOURCE_DIR) / "tests/nas/cli/calibration_lan.textproto")
      .string();
}

// Between the cheapest and the dearest CryptoNAS candidates on Fashion-MNIST
// with the fixture calibration (about 0.7 to 25 s on a LAN), so both kinds occur.
constexpr double kBudgetSeconds = 2.5;

pb::ExperimentConfig latency_config(const std::string& calibration_file = fixture_calibration()) {
  std::string text = R"(
    name: "latency-test"
    space: "cryptonas"
    dataset { name: "fashion-mnist" }
    objective {
      budget { max_latency_s: )" +
                     std::to_string(kBudgetSeconds) +
                     R"( }
      cost: PI_LATENCY
      source: SYNTHETIC
      pi_latency { calibration_file: ")" +
                     calibration_file + R"(" network: "lan" }
    }
    strategy { kind: EVOLUTION population_size: 8 sample_size: 3 }
    fidelity { min_epochs: 1 max_epochs: 2 reduction_factor: 2 }
    max_trials: 16
    parallelism: 2
    seed: 11
  )";
  return parse_experiment_config(text, "latency test config");
}

std::filesystem::path fresh_folder(const std::string& name) {
  auto folder = std::filesystem::temp_directory_path() /
                ("pinas_latency_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  return folder;
}

// Remembers every trial the evaluator was asked to train.
class RecordingEvaluator : public Evaluator {
 public:
  explicit RecordingEvaluator(Evaluator& inner) : inner_(inner) {}
  std::vector<JobOutcome> evaluate(const std::vector<TrainingJob>& jobs) override {
    for (const TrainingJob& job : jobs) trained.insert(job.trial);
    return inner_.evaluate(jobs);
  }
  std::set<std::int64_t> trained;

 private:
  Evaluator& inner_;
};

using test_support::DyingExecutor;

// The PI cost model's prediction for a stored genotype, computed afresh.
double predicted_seconds(const pb::ExperimentConfig& config, const TrialRecord& trial) {
  pb::PiCalibration calibration = cost::load_calibration(fixture_calibration());
  *calibration.mutable_network() = cost::network_preset(config.objective().pi_latency().network());
  const cost::PiCostModel model(calibration);
  pb::Genotype genotype;
  EXPECT_TRUE(genotype.ParseFromString(trial.genotype_proto)) << trial.number;
  return model.cost(spaces::build_genotype(genotype));
}

std::vector<TrialRecord> search(const pb::ExperimentConfig& config,
                                const std::filesystem::path& folder,
                                std::set<std::int64_t>* trained = nullptr) {
  auto store = TrialStore::create(folder / "trials.db", to_text(config));
  auto space = make_candidate_space(config);
  auto strategy = make_strategy(config.strategy(), space->decision_space(), config.seed());
  SyntheticEvaluator synthetic(space->decision_space(), config.seed(), 0);
  RecordingEvaluator evaluator(synthetic);
  BatchExecutor executor(evaluator, config.parallelism());
  SearchController controller(config, folder, store, *space, *strategy, executor);
  controller.run();
  if (trained) *trained = evaluator.trained;
  return store.trials();
}

TEST(LatencySearch, RecordsThePredictionAndNeverTrainsOverBudget) {
  auto config = latency_config();
  auto folder = fresh_folder("screen");
  std::set<std::int64_t> trained_numbers;
  auto trials = search(config, folder, &trained_numbers);
  auto store = TrialStore::open(folder / "trials.db", true);
  int trained = 0, over_budget = 0;
  for (const TrialRecord& trial : trials) {
    if (trial.status == TrialStatus::kInvalid) continue;
    // Exactly what the PI cost model predicts for the candidate's architecture.
    EXPECT_EQ(trial.cost, predicted_seconds(config, trial)) << "trial " << trial.number;
    EXPECT_GT(trial.cost, 0);
    if (trial.status == TrialStatus::kOverBudget) {
      ++over_budget;
      EXPECT_GT(trial.cost, kBudgetSeconds);
      EXPECT_EQ(trial.epochs, 0);
      EXPECT_TRUE(store.epochs(trial.number).empty());
      EXPECT_EQ(trained_numbers.count(trial.number), 0u)
          << "over-budget trial " << trial.number << " was trained";
      EXPECT_NE(trial.failure_reason.find("s outside the budget [0.000000, 2.500000] s"),
                std::string::npos)
          << trial.failure_reason;
    } else {
      ++trained;
      EXPECT_LE(trial.cost, kBudgetSeconds);
      EXPECT_TRUE(is_final(trial.status));
      EXPECT_EQ(trained_numbers.count(trial.number), 1u);
    }
  }
  EXPECT_EQ(trained, 16);
  EXPECT_GT(over_budget, 0);
  std::filesystem::remove_all(folder);
}

TEST(LatencySearch, ResumesAfterDyingToTheSameTrialsWithoutTheCalibrationFile) {
  auto reference_folder = fresh_folder("reference");
  auto expected = search(latency_config(), reference_folder);
  for (int die_at : {1, 3, 8}) {
    auto folder = fresh_folder("resume" + std::to_string(die_at));
    // The experiment's own calibration copy, removed once the store holds the config.
    auto calibration = folder / "calibration.textproto";
    std::filesystem::copy_file(fixture_calibration(), calibration);
    auto config = latency_config(calibration.string());
    {
      auto store = TrialStore::create(folder / "trials.db", to_text(config));
      auto space = make_candidate_space(config);
      SyntheticEvaluator evaluator(space->decision_space(), config.seed(), 0);
      auto strategy = make_strategy(config.strategy(), space->decision_space(), config.seed());
      DyingExecutor executor(evaluator, config.parallelism(), die_at);
      SearchController controller(config, folder, store, *space, *strategy, executor);
      EXPECT_THROW(controller.run(), Error);
    }
    std::filesystem::remove(calibration);
    // A new process: the config comes from the store, the strategy state too.
    auto store = TrialStore::open(folder / "trials.db");
    auto resumed = parse_experiment_config(*store.get_meta("config"), "stored config");
    auto space = make_candidate_space(resumed);
    SyntheticEvaluator evaluator(space->decision_space(), resumed.seed(), 0);
    auto strategy =
        make_strategy(resumed.strategy(), space->decision_space(), resumed.seed() + 1000);
    BatchExecutor executor(evaluator, resumed.parallelism());
    SearchController controller(resumed, folder, store, *space, *strategy, executor);
    controller.run();
    auto trials = store.trials();
    ASSERT_EQ(trials.size(), expected.size()) << "died at " << die_at;
    for (std::size_t i = 0; i < trials.size(); ++i) {
      EXPECT_EQ(trials[i].genotype, expected[i].genotype) << "trial " << i;
      EXPECT_EQ(trials[i].status, expected[i].status) << "trial " << i;
      EXPECT_EQ(trials[i].cost, expected[i].cost) << "trial " << i;
      EXPECT_EQ(trials[i].val_accuracy, expected[i].val_accuracy) << "trial " << i;
    }
    std::filesystem::remove_all(folder);
  }
  std::filesystem::remove_all(reference_folder);
}

TEST(LatencySearch, RunSearchAndResultsSpeakSeconds) {
  auto folder = fresh_folder("runner");
  auto calibration = folder / "calibration.textproto";
  std::filesystem::copy_file(fixture_calibration(), calibration);
  auto config_path = folder / "latency.textproto";
  std::ofstream(config_path) << to_text(latency_config(calibration.string()));
  auto experiment = folder / "experiment";
  std::ostringstream log;
  run_search({config_path, experiment, std::nullopt}, log);
  EXPECT_NE(
      log.str().find(
          "cost: predicted online seconds of a private inference (PI cost model, lan network"),
      std::string::npos)
      << log.str();
  EXPECT_NE(
      log.str().find("screened out before training by their predicted private-inference latency"),
      std::string::npos)
      << log.str();

  // Reports read the calibration from the store, not the file.
  std::filesystem::remove(calibration);
  ExperimentResults results = load_results(experiment);
  auto front = pareto_trials(results);
  ASSERT_FALSE(front.empty());
  for (std::size_t i = 1; i < front.size(); ++i) {
    EXPECT_GT(front[i].cost, front[i - 1].cost);
    EXPECT_GT(*front[i].val_accuracy, *front[i - 1].val_accuracy);
  }
  std::string table = trial_table(front, pb::PI_LATENCY);
  EXPECT_EQ(
      table.rfind(
          " trial         ReLUs   latency s            MACs   val acc  test acc  genotype\n", 0),
      0u)
      << table;
  auto json = trial_json(front.front(), pb::PI_LATENCY);
  EXPECT_EQ(json.at("latency_s").get<double>(), front.front().cost);
  EXPECT_FALSE(trial_json(front.front()).contains("latency_s"));
  std::string svg = pareto_svg(results);
  EXPECT_NE(svg.find("validation accuracy vs predicted latency"), std::string::npos);
  EXPECT_NE(svg.find("predicted online latency, s (log scale)"), std::string::npos);

  // Resuming the finished experiment needs no calibration file either.
  std::ostringstream again;
  run_search({std::nullopt, std::nullopt, experiment}, again);
  EXPECT_NE(again.str().find("Pareto front"), std::string::npos) << again.str();
  std::filesystem::remove_all(folder);
}

}  // namespace
}  // namespace pinas::nas
