#pragma once

#include <string>
#include <vector>

#include "nas/evaluation/evaluator.h"

namespace pinas::nas {

// True when this process was started by mpirun/mpiexec (OpenMPI), srun (PMI)
// or another PMIx launcher: only then does `pinas search` touch MPI, so the
// embedded default never initializes it.
bool launched_under_mpi();

// MPI_Init on construction (and MPI_ERRORS_RETURN on MPI_COMM_WORLD, so
// every failed MPI call becomes a ClusterError naming the call) and
// MPI_Finalize on destruction unless abandon() was called.
// Throws Error if pinas was built without MPI. One per process.
class MpiSession {
 public:
  MpiSession();
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }
  // The ranks of this job on this machine (MPI_COMM_TYPE_SHARED), which share
  // its cores. 1 without MPI.
  int ranks_on_node() const { return ranks_on_node_; }
  // Rank 0's `text` on every rank. Throws ClusterError.
  std::string broadcast(const std::string& text) const;
  // The ranks are out of step (a failed MPI call, or rank 0 failing while
  // workers are mid-job): the destructor skips MPI_Finalize, which could
  // wait forever for ranks that never reach it. Call it before letting a
  // ClusterError with other_ranks_stranded() leave; the CLI then ends the
  // job (MPI_Abort). Library code never ends the process.
  void abandon() { abandoned_ = true; }

 private:
  int rank_ = 0;
  int size_ = 1;
  int ranks_on_node_ = 1;
  bool abandoned_ = false;
};

// Rank 0's executor: one job at a time per worker rank (ranks 1..size-1).
// A worker's failed job comes back as a failed outcome; MPI failures throw
// ClusterError. Not thread-safe.
class MpiExecutor : public Executor {
 public:
  explicit MpiExecutor(const MpiSession& session);
  int capacity() const override { return static_cast<int>(idle_.size() + busy_); }
  int in_flight() const override { return busy_; }
  void submit(TrainingJob job) override;
  std::vector<JobOutcome> wait() override;
  // Tells every worker to return from run_worker.
  void stop_workers();

 private:
  std::vector<int> idle_;
  int busy_ = 0;
  bool stopped_ = false;
};

// A worker rank's loop: receive a job from rank 0, evaluate it, send the
// outcome; returns when rank 0 says stop. Evaluator errors become failed
// outcomes, never a dead rank; MPI failures throw ClusterError.
void run_worker(Evaluator& evaluator);

}  // namespace pinas::nas
