#pragma once

#include <string>

#include "cost_models/calibration_fit.h"

namespace pinas::cli {

// Writes every measurement a calibration fitted (garbled batches with their
// step, linear and HE layers, one session per probe) to `path` as one JSON
// document, for `pinas calibrate --observations`: the fit can then be studied
// or redone without rerunning the probes. Throws pinas::Error naming the file
// when it cannot be written.
void write_observations(const cost::CalibrationObservations& observations, const std::string& path);

}  // namespace pinas::cli
