// The search controller end to end on the synthetic space and objective.
#include <gtest/gtest.h>

#include <set>

#include "nas/config/experiment_config.h"
#include "nas/controller/search_controller.h"
#include "nas/evaluation/synthetic_evaluator.h"
#include "nas/spaces/synthetic_space.h"
#include "tests/nas/detail/dying_executor.h"

namespace pinas::nas {
namespace {

pb::ExperimentConfig synthetic_config(const std::string& extra) {
  std::string text = R"(
    name: "controller-test"
    space: "synthetic"
    synthetic_space { decisions: 8 choices: 4 }
    objective { pareto { min_relus: 0 max_relus: 22000 } source: SYNTHETIC }
    strategy { kind: EVOLUTION population_size: 10 sample_size: 3 }
    fidelity { min_epochs: 1 max_epochs: 4 reduction_factor: 2 }
    max_trials: 60
    parallelism: 3
    seed: 9
  )" + extra;
  return parse_experiment_config(text, "test config");
}

struct SearchRun {
  std::filesystem::path folder;
  std::unique_ptr<TrialStore> store;
};

SearchRun fresh_run(const std::string& name, const pb::ExperimentConfig& config) {
  SearchRun run;
  run.folder = std::filesystem::temp_directory_path() /
               ("pinas_controller_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(run.folder);
  std::filesystem::create_directories(run.folder);
  run.store =
      std::make_unique<TrialStore>(TrialStore::create(run.folder / "trials.db", to_text(config)));
  return run;
}

std::vector<TrialRecord> search(const pb::ExperimentConfig& config, SearchRun& run) {
  SyntheticSpace space(config.synthetic_space().decisions(), config.synthetic_space().choices());
  auto strategy = make_strategy(config.strategy(), space.decision_space(), config.seed());
  SyntheticEvaluator evaluator(space.decision_space(), config.seed(), 0);
  BatchExecutor executor(evaluator, config.parallelism());
  SearchController controller(config, run.folder, *run.store, space, *strategy, executor);
  controller.run();
  return run.store->trials();
}

using test_support::DyingExecutor;

// Compares what matters of two runs: every trial's identity and results.
void expect_same_trials(const std::vector<TrialRecord>& a, const std::vector<TrialRecord>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].number, b[i].number);
    EXPECT_EQ(a[i].genotype, b[i].genotype) << "trial " << i;
    EXPECT_EQ(a[i].status, b[i].status) << "trial " << i;
    EXPECT_EQ(a[i].val_accuracy, b[i].val_accuracy) << "trial " << i;
    EXPECT_EQ(a[i].epochs, b[i].epochs) << "trial " << i;
  }
}

TEST(SearchController, ScreensByBudgetAndNeverTrainsTwice) {
  auto config = synthetic_config("");
  SearchRun run = fresh_run("screen", config);
  auto trials = search(config, run);
  std::set<std::string> genotypes;
  int trained = 0, over_budget = 0;
  for (const TrialRecord& trial : trials) {
    EXPECT_TRUE(genotypes.insert(trial.genotype).second) << "duplicate " << trial.genotype;
    if (trial.status == TrialStatus::kOverBudget) {
      ++over_budget;
      EXPECT_GT(trial.relus, 22000);
      EXPECT_EQ(trial.epochs, 0);
      EXPECT_TRUE(run.store->epochs(trial.number).empty());
    } else {
      ++trained;
      EXPECT_LE(trial.relus, 22000);
      EXPECT_TRUE(is_final(trial.status));
    }
  }
  EXPECT_EQ(trained, 60);
  EXPECT_GT(over_budget, 0);
}

TEST(SearchController, SuccessiveHalvingPromotesOnlyTheBest) {
  auto config = synthetic_config("");
  SearchRun run = fresh_run("asha", config);
  auto trials = search(config, run);
  int complete = 0, stopped = 0;
  std::vector<double> rung0;
  for (const TrialRecord& trial : trials) {
    if (trial.status == TrialStatus::kComplete) {
      ++complete;
      EXPECT_EQ(trial.epochs, 4);
      EXPECT_EQ(run.store->epochs(trial.number).size(), 4u);
    }
    if (trial.status == TrialStatus::kStopped) {
      ++stopped;
      EXPECT_LT(trial.epochs, 4);
    }
    if (trial.status == TrialStatus::kComplete || trial.status == TrialStatus::kStopped)
      rung0.push_back(run.store->epochs(trial.number).at(0).val_accuracy);
  }
  // Rungs at 1, 2, 4 epochs with eta 2. Promotion is relative to what each
  // rung holds when a worker frees up (asynchronous), so an improving
  // strategy gets more than a quarter through; never all.
  EXPECT_GT(complete, 0);
  EXPECT_GT(stopped, 0);
  EXPECT_EQ(complete + stopped, 60);
}

TEST(SearchController, ResumesAfterDyingAtAnyBatchToTheSameTrials) {
  auto config = synthetic_config("");
  SearchRun reference = fresh_run("reference", config);
  auto expected = search(config, reference);
  for (int die_at : {1, 2, 7, 19, 33}) {
    SearchRun run = fresh_run("resume" + std::to_string(die_at), config);
    SyntheticSpace space(8, 4);
    SyntheticEvaluator evaluator(space.decision_space(), config.seed(), 0);
    {
      auto strategy = make_strategy(config.strategy(), space.decision_space(), config.seed());
      DyingExecutor executor(evaluator, config.parallelism(), die_at);
      SearchController controller(config, run.folder, *run.store, space, *strategy, executor);
      EXPECT_THROW(controller.run(), Error);
    }
    // A new process: fresh strategy object, state from the store.
    auto strategy = make_strategy(config.strategy(), space.decision_space(), config.seed() + 1000);
    BatchExecutor executor(evaluator, config.parallelism());
    SearchController controller(config, run.folder, *run.store, space, *strategy, executor);
    controller.run();
    expect_same_trials(run.store->trials(), expected);
  }
}

// Fails every third trial's job: the search records the failure and goes on.
class FailingEvaluator : public Evaluator {
 public:
  explicit FailingEvaluator(SyntheticEvaluator& inner) : inner_(inner) {}
  std::vector<JobOutcome> evaluate(const std::vector<TrainingJob>& jobs) override {
    auto outcomes = inner_.evaluate(jobs);
    for (JobOutcome& outcome : outcomes)
      if (outcome.trial % 3 == 0) {
        outcome.ok = false;
        outcome.failure_reason = "out of memory on the worker";
      }
    return outcomes;
  }

 private:
  SyntheticEvaluator& inner_;
};

TEST(SearchController, RecordsFailedTrialsAndGoesOn) {
  auto config = synthetic_config("");
  config.set_max_trials(20);
  SearchRun run = fresh_run("failures", config);
  SyntheticSpace space(8, 4);
  SyntheticEvaluator synthetic(space.decision_space(), config.seed(), 0);
  FailingEvaluator evaluator(synthetic);
  auto strategy = make_strategy(config.strategy(), space.decision_space(), config.seed());
  BatchExecutor executor(evaluator, config.parallelism());
  SearchController controller(config, run.folder, *run.store, space, *strategy, executor);
  controller.run();
  int failed = 0, trained = 0;
  for (const TrialRecord& trial : run.store->trials()) {
    if (!was_trained(trial.status)) continue;
    ++trained;
    if (trial.number % 3 == 0) {
      EXPECT_EQ(trial.status, TrialStatus::kFailed);
      EXPECT_EQ(trial.failure_reason, "out of memory on the worker");
      ++failed;
    } else {
      EXPECT_NE(trial.status, TrialStatus::kFailed);
    }
  }
  EXPECT_EQ(trained, 20);
  EXPECT_GT(failed, 0);
}

TEST(SearchController, ExhaustsATinySpaceWithoutLoopingForever) {
  auto config = synthetic_config("");
  config.mutable_synthetic_space()->set_decisions(2);
  config.mutable_synthetic_space()->set_choices(3);  // 9 candidates
  config.mutable_strategy()->set_kind(pb::RANDOM);
  config.set_max_trials(50);
  SearchRun run = fresh_run("tiny", config);
  auto trials = search(config, run);
  EXPECT_EQ(trials.size(), 9u);
}

}  // namespace
}  // namespace pinas::nas
