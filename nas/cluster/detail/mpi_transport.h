#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

// The byte messages between rank 0 and the workers, every MPI call checked.
// Only built with MPI (PINAS_NAS_MPI); needs an MpiSession alive, which sets
// MPI_ERRORS_RETURN so that failures come back as codes.
namespace pinas::nas::detail {

// Throws ClusterError "<call> failed: <MPI's error string>" unless `code` is
// MPI_SUCCESS. Thread-safe.
void check_mpi(int code, const std::string& call);

// Sends `bytes` to `destination` with `tag`. Throws ClusterError on a failed
// send or a message over 2^31 - 1 bytes (MPI counts are int).
void send_bytes(const std::vector<std::uint8_t>& bytes, int destination, int tag);

// Receives one message from `source` with `tag` (MPI_ANY_SOURCE/TAG allowed);
// returns (bytes, source, tag). Throws ClusterError on a failed probe or
// receive or an undefined message size.
std::tuple<std::vector<std::uint8_t>, int, int> receive_bytes(int source, int tag);

}  // namespace pinas::nas::detail
