// MPI failures become pinas::nas::ClusterError instead of aborting the
// process from library code: MpiSession sets MPI_ERRORS_RETURN and every MPI
// call is checked. Runs as an MPI singleton (no mpirun needed).
#include <gtest/gtest.h>

#include <string>

#include "nas/cluster/cluster_error.h"
#include "nas/cluster/detail/mpi_transport.h"
#include "nas/cluster/mpi_cluster.h"

namespace pinas::nas {
namespace {

template <typename Call>
std::string cluster_error_of(Call call) {
  try {
    call();
  } catch (const ClusterError& error) {
    return error.what();
  }
  return "";
}

TEST(MpiCluster, FailedMpiCallsThrowClusterErrorNamingTheCallAndRank) {
#ifndef PINAS_NAS_MPI
  GTEST_SKIP() << "skipped: this pinas was built without MPI";
#else
  // One MPI_Init per process: everything MPI is checked in this one test.
  MpiSession session;
  ASSERT_EQ(session.size(), 1);
  EXPECT_EQ(session.rank(), 0);
  EXPECT_EQ(session.broadcast("config text"), "config text");
  // Rank 5 does not exist in a world of one: MPI's default handler would
  // abort the process here.
  const std::string send = cluster_error_of([] { detail::send_bytes({1, 2, 3}, 5, 1); });
  EXPECT_NE(send.find("MPI_Send of 3 bytes to rank 5 failed: MPI_ERR_RANK"), std::string::npos)
      << send;
  const std::string probe = cluster_error_of([] { detail::receive_bytes(7, 1); });
  EXPECT_NE(probe.find("MPI_Probe from rank 7 failed: MPI_ERR_RANK"), std::string::npos) << probe;
  EXPECT_NE(cluster_error_of([] {
              detail::check_mpi(1, "MPI_Something");
            }).find("MPI_Something failed: "),
            std::string::npos);
  detail::check_mpi(0, "MPI_Success");  // MPI_SUCCESS is 0 by the standard
  // A ClusterError says whether the other ranks are left waiting.
  EXPECT_TRUE(ClusterError("rank 0 failed").other_ranks_stranded());
  EXPECT_FALSE(ClusterError("refused before any job", false).other_ranks_stranded());
#endif
}

}  // namespace
}  // namespace pinas::nas
