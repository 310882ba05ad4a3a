// What the search hands the trainer for a stored trial: the data subset, the
// schedule and the architecture come from the experiment config.
#include <gtest/gtest.h>

#include "nas/config/experiment_config.h"
#include "nas/evaluation/training_evaluator.h"
#include "proto/error.h"
#include "search_spaces/presets.h"

namespace pinas::nas {
namespace {

pb::ExperimentConfig config_with(const std::string& fidelity) {
  return parse_experiment_config(R"(
name: "t"
space: "cryptonas"
dataset { name: "fashion-mnist" train_subset: 5000 test_subset: 700 validation_fraction: 0.2 }
objective { budget { max_relus: 200000 } source: TRAINING }
strategy { kind: ENAS }
)" + fidelity + "\ntraining { batch_size: 32 learning_rate: 0.1 weight_decay: 1e-4 }\n",
                                 "t.textproto");
}

TrainingJob stored_trial() {
  TrainingJob job;
  job.trial = 7;
  job.genotype_proto = spaces::preset_genotype("cryptonas-fmnist").SerializeAsString();
  job.start_epoch = 2;
  job.end_epoch = 6;
  job.final_rung = true;
  job.seed = 99;
  job.trial_folder = "/tmp/trial-7";
  return job;
}

TEST(TrialTrainingJob, TrainsOnTheDatasetSubsetByDefault) {
  const auto run = trial_training_job(config_with("fidelity { min_epochs: 6 }"), stored_trial());
  EXPECT_EQ(run.train_subset, 5000);
  EXPECT_EQ(run.test_subset, 700);
  EXPECT_DOUBLE_EQ(run.validation_fraction, 0.2);
  EXPECT_EQ(run.epochs, 6);
  EXPECT_TRUE(run.resume);  // the trial's earlier rung left a checkpoint
  EXPECT_TRUE(run.evaluate_test);
  EXPECT_EQ(run.seed, 99u);
  EXPECT_EQ(run.hyperparameters.batch_size, 32);
  EXPECT_DOUBLE_EQ(run.hyperparameters.learning_rate, 0.1);
  EXPECT_EQ(run.output_dir, std::filesystem::path("/tmp/trial-7"));
  EXPECT_GT(run.architecture.nodes_size(), 0);
}

TEST(TrialTrainingJob, FidelitySubsetOverridesTheSearchSubset) {
  const auto run = trial_training_job(config_with("fidelity { min_epochs: 6 train_subset: 12000 }"),
                                      stored_trial());
  EXPECT_EQ(run.train_subset, 12000);
  EXPECT_EQ(run.test_subset, 700);
}

TEST(TrialTrainingJob, NegativeFidelitySubsetIsRefusedByName) {
  try {
    config_with("fidelity { min_epochs: 6 train_subset: -1 }");
    FAIL() << "a negative fidelity.train_subset was accepted";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("fidelity.train_subset"), std::string::npos)
        << error.what();
  }
}

TEST(TrialTrainingJob, UnparsableGenotypeNamesTheTrial) {
  TrainingJob job = stored_trial();
  job.genotype_proto = "\xff\xff\xff";
  try {
    trial_training_job(config_with("fidelity { min_epochs: 6 }"), job);
    FAIL() << "an unparsable genotype was accepted";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("trial 7"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace pinas::nas
