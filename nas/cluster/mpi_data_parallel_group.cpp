#include "nas/cluster/mpi_data_parallel_group.h"

#include <fmt/format.h>

#include <climits>
#include <vector>

#include "nas/cluster/cluster_error.h"

#ifdef PINAS_NAS_MPI
#include <mpi.h>
#endif

namespace pinas::nas {

#ifdef PINAS_NAS_MPI
namespace {

MPI_Comm communicator(bool whole_world) {
  return whole_world ? MPI_COMM_WORLD : MPI_COMM_SELF;
}

void check(int code, const char* call, int rank) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw ClusterError(fmt::format("rank {}: {} failed in the data-parallel supernet: {}", rank, call,
                                 std::string(text, static_cast<size_t>(length))));
}

}  // namespace

MpiDataParallelGroup::MpiDataParallelGroup(const MpiSession& session, bool whole_world)
    : whole_world_(whole_world) {
  (void)session;  // proves MPI is initialized
  MPI_Comm_set_errhandler(communicator(whole_world_), MPI_ERRORS_RETURN);
  check(MPI_Comm_rank(communicator(whole_world_), &rank_), "MPI_Comm_rank", rank_);
  check(MPI_Comm_size(communicator(whole_world_), &size_), "MPI_Comm_size", rank_);
}

void MpiDataParallelGroup::sum(std::span<double> values) {
  if (values.size() > static_cast<size_t>(INT_MAX) / static_cast<size_t>(size_))
    throw ClusterError(fmt::format("rank {}: {} values are too many for one data-parallel sum",
                                   rank_, values.size()));
  if (size_ == 1) return;
  const int count = static_cast<int>(values.size());
  std::vector<double> gathered(values.size() * static_cast<size_t>(size_));
  check(MPI_Allgather(values.data(), count, MPI_DOUBLE, gathered.data(), count, MPI_DOUBLE,
                      communicator(whole_world_)),
        "MPI_Allgather", rank_);
  for (size_t i = 0; i < values.size(); ++i) {
    double total = gathered[i];
    for (int r = 1; r < size_; ++r) total += gathered[static_cast<size_t>(r) * values.size() + i];
    values[i] = total;
  }
}

#else

MpiDataParallelGroup::MpiDataParallelGroup(const MpiSession&, bool whole_world)
    : whole_world_(whole_world) {
  throw Error("pinas was built without MPI: no data-parallel supernet");
}

void MpiDataParallelGroup::sum(std::span<double>) {}

#endif

}  // namespace pinas::nas
