#include "train/parallel_trainer.h"

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <thread>

#include "train/trainer.h"

namespace pinas::train {

ParallelTrainer::ParallelTrainer(ParallelTrainerOptions options) : options_(options) {
  if (options_.cores <= 0) options_.cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

bool ParallelTrainer::uses_gpus() const { return options_.use_gpus && torch::cuda::is_available(); }

int ParallelTrainer::slots(int job_count) const {
  const int wanted = uses_gpus() ? static_cast<int>(torch::cuda::device_count())
                                 : (options_.concurrent > 0 ? std::min(options_.concurrent, options_.cores)
                                                            : options_.cores);
  return std::max(1, std::min(wanted, std::max(job_count, 1)));
}

int ParallelTrainer::threads_per_slot(int job_count) const {
  if (uses_gpus()) return std::max(1, options_.cores / slots(job_count));
  return std::max(1, options_.cores / slots(job_count));
}

std::vector<TrainingResult> ParallelTrainer::train(const std::vector<TrainingJob>& jobs,
                                                   const EpochCallback& callback) {
  std::vector<TrainingResult> results(jobs.size());
  if (jobs.empty()) return results;
  const int job_count = static_cast<int>(jobs.size());
  const int slot_count = slots(job_count);
  const int threads = threads_per_slot(job_count);
  const bool gpus = uses_gpus();
  std::mutex callback_mutex;
  EpochCallback serialized;
  if (callback) {
    serialized = [&](const TrainingJob& job, const EpochMetrics& metrics) {
      std::lock_guard lock(callback_mutex);
      return callback(job, metrics);
    };
  }
  // The calling thread takes the arena's one master slot and trains too, so
  // slot_count threads train with slot_count - 1 workers. Asking for
  // slot_count workers instead exceeded oneTBB's limit of cores - 1 and
  // printed "the number of workers is currently limited to 1" on 2 cores.
  tbb::task_arena arena(slot_count, /*reserved_for_masters=*/1);
  arena.execute([&] {
    tbb::parallel_for(
        tbb::blocked_range<int>(0, job_count, 1),
        [&](const tbb::blocked_range<int>& range) {
          for (int index = range.begin(); index < range.end(); ++index) {
            TrainingJob job = jobs[index];
            job.threads = threads;
            const int slot = std::max(0, tbb::this_task_arena::current_thread_index());
            job.device = gpus ? slot % static_cast<int>(torch::cuda::device_count()) : -1;
            const auto start = std::chrono::steady_clock::now();
            try {
              results[index] = run_training(job, serialized);
            } catch (const std::exception& error) {
              TrainingResult& failed = results[index];
              failed.name = job.name.empty() ? job.architecture.name() : job.name;
              failed.status = TrainingStatus::Failed;
              failed.failure_reason = error.what();
              failed.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            }
          }
        },
        tbb::simple_partitioner());
  });
  return results;
}

}  // namespace pinas::train
