#pragma once

#include "proto/error.h"

namespace pinas::nas {

// The dashboard or report cannot do what was asked: an unknown trial, a
// reference-points file that does not parse, a port it cannot listen on.
// The message names the file, trial or address.
class DashboardError : public Error {
 public:
  using Error::Error;
};

}  // namespace pinas::nas
