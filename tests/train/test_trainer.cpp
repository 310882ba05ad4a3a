// The training loop on real Fashion-MNIST subsets: the loss falls, a
// non-finite loss ends the run with a reason, resuming reproduces an
// uninterrupted run, distillation runs, the schedule's known values.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <fstream>

#include "tests/train/detail/training_fixtures.h"
#include "train/checkpoint.h"
#include "train/learning_rate_schedule.h"
#include "train/trainer.h"

namespace pinas::train {
namespace {

using testing::fresh_directory;
using testing::tiny_job;

TEST(LearningRateScheduleTest, WarmsUpLinearlyThenFollowsTheCosine) {
  const LearningRateSchedule schedule(0.1, 0.0, 10, 110);
  EXPECT_DOUBLE_EQ(schedule.at(0), 0.01);
  EXPECT_DOUBLE_EQ(schedule.at(9), 0.1);
  EXPECT_DOUBLE_EQ(schedule.at(10), 0.1);
  EXPECT_NEAR(schedule.at(60), 0.05, 1e-12);  // half way: cos(pi/2) = 0
  EXPECT_NEAR(schedule.at(110), 0.0, 1e-12);
  EXPECT_NEAR(schedule.at(500), 0.0, 1e-12);  // clamped past the end
  const LearningRateSchedule floor(0.2, 0.02, 0, 4);
  EXPECT_DOUBLE_EQ(floor.at(0), 0.2);
  EXPECT_NEAR(floor.at(2), 0.11, 1e-12);
  EXPECT_THROW(LearningRateSchedule(0.1, 0.0, 5, 4), Error);
}

TEST(TrainerTest, ShortTrainingOnASubsetMakesTheLossFall) {
  auto job = tiny_job(3, 512, 1);
  auto directory = fresh_directory("loss-falls");
  job.output_dir = directory;
  const auto result = run_training(job);
  ASSERT_EQ(result.status, TrainingStatus::Completed) << result.failure_reason;
  ASSERT_EQ(result.history.size(), 3u);
  EXPECT_LT(result.history.back().train_loss, result.history.front().train_loss);
  EXPECT_GT(result.test_accuracy, 0.2);  // well above chance (0.1) after 3 short epochs
  EXPECT_EQ(result.relus, 8 * 14 * 14 + 8 * 7 * 7);
  EXPECT_GT(result.images_per_s, 0.0);
  // One JSONL line per epoch with the documented fields.
  std::ifstream log(directory / "log.jsonl");
  std::string line;
  int lines = 0;
  while (std::getline(log, line)) {
    ++lines;
    for (const char* field : {"train_loss", "val_accuracy", "learning_rate", "images_per_s"}) {
      EXPECT_NE(line.find(field), std::string::npos) << line;
    }
  }
  EXPECT_EQ(lines, 3);
  const auto info = Checkpoint::read_info(directory / Checkpoint::kFileName);
  EXPECT_EQ(info.epochs_completed, 3);
  EXPECT_NEAR(info.test_accuracy, result.test_accuracy, 1e-12);
  EXPECT_EQ(info.dataset, "fashion-mnist");
  std::filesystem::remove_all(directory);
}

TEST(TrainerTest, NonFiniteLossEndsTheRunWithAReason) {
  auto job = tiny_job(2, 256, 1);
  job.hyperparameters.learning_rate = 1e38;
  job.hyperparameters.gradient_clip_norm = 0.0;
  job.hyperparameters.weight_decay = 0.0;
  const auto result = run_training(job);
  EXPECT_EQ(result.status, TrainingStatus::Failed);
  EXPECT_NE(result.failure_reason.find("non-finite loss"), std::string::npos) << result.failure_reason;
  EXPECT_TRUE(std::isnan(result.test_accuracy));
}

TEST(TrainerTest, CallbackCanStopEarly) {
  auto job = tiny_job(3, 128, 2);
  int calls = 0;
  const auto result = run_training(job, [&](const TrainingJob&, const EpochMetrics& metrics) {
    ++calls;
    EXPECT_EQ(metrics.epoch, calls);
    return EpochDecision::Stop;
  });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(result.status, TrainingStatus::StoppedEarly);
  EXPECT_EQ(result.epochs_completed, 1);
}

// Same final weights, bit for bit: an uninterrupted 3-epoch run, and a run
// interrupted after its epoch-2 checkpoint then resumed.
TEST(TrainerTest, ResumingFromACheckpointGivesTheUninterruptedWeights) {
  const auto straight = fresh_directory("straight");
  const auto resumed = fresh_directory("resumed");
  auto job = tiny_job(3, 256, 9);
  job.hyperparameters.warmup_epochs = 1.0;
  job.output_dir = straight;
  ASSERT_EQ(run_training(job).status, TrainingStatus::Completed);

  // The interrupted run: a job of 3 epochs whose callback stops it after
  // epoch 2, as a kill after that checkpoint would.
  job.output_dir = resumed;
  auto stopped = run_training(job, [](const TrainingJob&, const EpochMetrics& metrics) {
    return metrics.epoch == 2 ? EpochDecision::Stop : EpochDecision::Continue;
  });
  ASSERT_EQ(stopped.status, TrainingStatus::StoppedEarly);
  job.resume = true;
  const auto result = run_training(job);
  ASSERT_EQ(result.status, TrainingStatus::Completed);
  EXPECT_EQ(result.history.size(), 3u);

  auto a = Checkpoint::load_network(straight);
  auto b = Checkpoint::load_network(resumed);
  auto tensors_a = a->node_tensors(), tensors_b = b->node_tensors();
  ASSERT_EQ(tensors_a.size(), tensors_b.size());
  for (size_t i = 0; i < tensors_a.size(); ++i) {
    EXPECT_TRUE(torch::equal(tensors_a[i].tensor, tensors_b[i].tensor))
        << tensors_a[i].node << "/" << tensors_a[i].role;
  }
  std::filesystem::remove_all(straight);
  std::filesystem::remove_all(resumed);
}

TEST(TrainerTest, DistillsFromATeacherCheckpoint) {
  const auto teacher_directory = fresh_directory("teacher");
  auto teacher_job = tiny_job(1, 256, 3);
  teacher_job.output_dir = teacher_directory;
  ASSERT_EQ(run_training(teacher_job).status, TrainingStatus::Completed);
  auto student_job = tiny_job(2, 256, 4);
  student_job.teacher_checkpoint = teacher_directory;
  const auto result = run_training(student_job);
  ASSERT_EQ(result.status, TrainingStatus::Completed) << result.failure_reason;
  EXPECT_LT(result.history.back().train_loss, result.history.front().train_loss);
  auto missing = tiny_job(1, 64, 4);
  missing.teacher_checkpoint = teacher_directory / "nothing-here.pt";
  EXPECT_THROW(run_training(missing), CheckpointError);
  std::filesystem::remove_all(teacher_directory);
}

TEST(TrainerTest, RefusesAnArchitectureOfAnotherShapeAndAMissingDataset) {
  auto job = tiny_job(1, 64, 1);
  job.architecture.mutable_nodes(0)->mutable_input_shape()->set_channels(3);
  EXPECT_THROW(run_training(job), Error);
  auto missing = tiny_job(1, 64, 1);
  missing.data_spec = "cifar10:/nonexistent/cifar";
  try {
    run_training(missing);
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("/nonexistent/cifar"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace pinas::train
