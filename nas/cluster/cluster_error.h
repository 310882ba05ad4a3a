#pragma once

#include <string>

#include "proto/error.h"

namespace pinas::nas {

// An MPI call failed (MPI_ERRORS_RETURN is set on MPI_COMM_WORLD, so MPI
// reports instead of aborting), or rank 0's search failed while worker ranks
// may still be mid-job. The message names the MPI call and the peer rank.
// When other_ranks_stranded() is true, the other ranks may wait forever: the
// caller (the CLI) should end the whole job, e.g. with MPI_Abort, after
// printing the message. Library code never ends the process itself.
class ClusterError : public Error {
 public:
  explicit ClusterError(const std::string& message, bool other_ranks_stranded = true)
      : Error(message), other_ranks_stranded_(other_ranks_stranded) {}
  bool other_ranks_stranded() const { return other_ranks_stranded_; }

 private:
  bool other_ranks_stranded_;
};

}  // namespace pinas::nas
