#pragma once

#include "nas/cluster/mpi_cluster.h"
#include "train/supernet/data_parallel_group.h"

namespace pinas::nas {

// The data-parallel group of a supernet search (train/supernet/
// data_parallel_group.h) over MPI: every rank of MPI_COMM_WORLD, or this
// process alone (MPI_COMM_SELF: one rank, the same arithmetic, the
// reference a K-rank run is compared with). sum() gathers every rank's
// values (MPI_Allgather) and adds them in rank order on each rank, so all
// ranks hold the same bits whatever reduction algorithm MPI picks.
// Requires a live MpiSession; throws Error if pinas was built without MPI.
// Failed MPI calls throw ClusterError naming the call. Not thread-safe.
class MpiDataParallelGroup final : public train::supernet::DataParallelGroup {
 public:
  explicit MpiDataParallelGroup(const MpiSession& session, bool whole_world = true);
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  void sum(std::span<double> values) override;

 private:
  bool whole_world_;
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace pinas::nas
