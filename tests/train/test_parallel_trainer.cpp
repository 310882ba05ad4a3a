// The parallel trainer: all candidates trained, results in job order and
// equal to sequential runs with the same seeds, the callback can stop one
// candidate, a failing candidate does not affect the others.
#include <gtest/gtest.h>

#include <atomic>

#include "tests/train/detail/training_fixtures.h"
#include "train/parallel_trainer.h"
#include "train/trainer.h"

namespace pinas::train {
namespace {

TEST(ParallelTrainerTest, SplitsTheCoresAmongTheCandidates) {
  ParallelTrainerOptions options;
  options.cores = 8;
  options.use_gpus = false;
  ParallelTrainer trainer(options);
  EXPECT_EQ(trainer.slots(4), 4);
  EXPECT_EQ(trainer.threads_per_slot(4), 2);
  EXPECT_EQ(trainer.slots(20), 8);
  EXPECT_EQ(trainer.threads_per_slot(20), 1);
  options.concurrent = 2;
  EXPECT_EQ(ParallelTrainer(options).threads_per_slot(20), 4);
}

TEST(ParallelTrainerTest, TrainsCandidatesConcurrentlyLikeOneAfterAnother) {
  std::vector<TrainingJob> jobs;
  for (int i = 0; i < 4; ++i) {
    auto job = testing::tiny_job(2, 128, 100 + i);
    job.name = "candidate-" + std::to_string(i);
    jobs.push_back(job);
  }
  jobs[3].data_spec = "cifar10:/nonexistent/cifar";  // fails during setup
  ParallelTrainerOptions options;
  options.cores = 2;
  options.use_gpus = false;
  std::atomic<int> in_callback{0};
  std::atomic<bool> overlapped{false};
  const auto results = ParallelTrainer(options).train(jobs, [&](const TrainingJob& job, const EpochMetrics&) {
    if (in_callback.fetch_add(1) != 0) overlapped = true;
    const bool stop = job.name == "candidate-1";
    in_callback.fetch_sub(1);
    return stop ? EpochDecision::Stop : EpochDecision::Continue;
  });
  EXPECT_FALSE(overlapped);  // one callback at a time
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[0].name, "candidate-0");
  EXPECT_EQ(results[0].status, TrainingStatus::Completed);
  EXPECT_EQ(results[1].status, TrainingStatus::StoppedEarly);
  EXPECT_EQ(results[1].epochs_completed, 1);
  EXPECT_EQ(results[2].status, TrainingStatus::Completed);
  EXPECT_EQ(results[3].status, TrainingStatus::Failed);
  EXPECT_NE(results[3].failure_reason.find("/nonexistent/cifar"), std::string::npos) << results[3].failure_reason;

  // Concurrency changes nothing: candidate 2 alone gives the same numbers.
  auto alone = jobs[2];
  alone.threads = 1;
  const auto sequential = run_training(alone);
  ASSERT_EQ(sequential.history.size(), results[2].history.size());
  for (size_t epoch = 0; epoch < sequential.history.size(); ++epoch) {
    EXPECT_DOUBLE_EQ(sequential.history[epoch].train_loss, results[2].history[epoch].train_loss);
  }
  EXPECT_DOUBLE_EQ(sequential.test_accuracy, results[2].test_accuracy);
}

}  // namespace
}  // namespace pinas::train
