#pragma once

#include <vector>

#include "train/training_job.h"

namespace pinas::train {

// How the parallel trainer shares the machine.
struct ParallelTrainerOptions {
  // CPU cores to use; 0 = all hardware threads.
  int cores = 0;
  // Candidates trained at the same time on the CPU; 0 = as many as cores
  // (one intra-op thread each, which small networks use best). Each running
  // candidate gets cores / concurrent intra-op threads, so the total never
  // exceeds `cores`.
  int concurrent = 0;
  // Use CUDA devices when present: one candidate per GPU at a time.
  bool use_gpus = true;
};

// Trains many candidates at once. On the CPU the jobs run as tasks of one
// oneTBB task arena of `concurrent` slots, each slot with its own LibTorch
// intra-op thread count (a per-thread setting, see detail/thread_settings.h)
// so that the cores are split, never oversubscribed. With GPUs, each slot
// owns one device and its jobs run there.
//
// Thread-safety: train() may be called from one thread at a time per
// ParallelTrainer; the callback is called from worker threads, one call at a
// time (it need not be thread-safe).
class ParallelTrainer {
 public:
  explicit ParallelTrainer(ParallelTrainerOptions options = {});

  // Runs every job (job.threads and job.device are set by the trainer) and
  // returns their results in the jobs' order. `callback` sees every epoch of
  // every job and may stop that job. A job whose setup throws (unreadable
  // data, mismatched architecture...) comes back Failed with the error's
  // message as its reason; the others are unaffected.
  std::vector<TrainingResult> train(const std::vector<TrainingJob>& jobs, const EpochCallback& callback = {});

  // The slots and the intra-op threads per slot that train() would use for
  // `job_count` jobs.
  int slots(int job_count) const;
  int threads_per_slot(int job_count) const;
  bool uses_gpus() const;

 private:
  ParallelTrainerOptions options_;
};

}  // namespace pinas::train
