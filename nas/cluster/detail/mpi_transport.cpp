#include "nas/cluster/detail/mpi_transport.h"

#ifdef PINAS_NAS_MPI
#include <mpi.h>

#include <climits>

#include "nas/cluster/cluster_error.h"

namespace pinas::nas::detail {

void check_mpi(int code, const std::string& call) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING] = {0};
  int length = 0;
  if (MPI_Error_string(code, text, &length) != MPI_SUCCESS) length = 0;
  throw ClusterError(call + " failed: " +
                     (length > 0 ? std::string(text, static_cast<std::size_t>(length))
                                 : "MPI error " + std::to_string(code)));
}

void send_bytes(const std::vector<std::uint8_t>& bytes, int destination, int tag) {
  const std::string call = "MPI_Send of " + std::to_string(bytes.size()) + " bytes to rank " +
                           std::to_string(destination);
  if (bytes.size() > static_cast<std::size_t>(INT_MAX))
    throw ClusterError(call + ": over 2^31 - 1 bytes");
  check_mpi(MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, destination, tag,
                     MPI_COMM_WORLD),
            call);
}

std::tuple<std::vector<std::uint8_t>, int, int> receive_bytes(int source, int tag) {
  const std::string from = source == MPI_ANY_SOURCE ? "any rank" : "rank " + std::to_string(source);
  MPI_Status status;
  check_mpi(MPI_Probe(source, tag, MPI_COMM_WORLD, &status), "MPI_Probe from " + from);
  int count = 0;
  check_mpi(MPI_Get_count(&status, MPI_BYTE, &count), "MPI_Get_count from " + from);
  if (count < 0) throw ClusterError("MPI_Get_count from " + from + ": undefined message size");
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(count));
  check_mpi(MPI_Recv(bytes.data(), count, MPI_BYTE, status.MPI_SOURCE, status.MPI_TAG,
                     MPI_COMM_WORLD, MPI_STATUS_IGNORE),
            "MPI_Recv from rank " + std::to_string(status.MPI_SOURCE));
  return {std::move(bytes), status.MPI_SOURCE, status.MPI_TAG};
}

}  // namespace pinas::nas::detail

#endif  // PINAS_NAS_MPI
