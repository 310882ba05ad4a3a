#pragma once

#include <filesystem>
#include <ostream>

#include "nas/results/experiment_results.h"

namespace pinas::nas {

// The experiment config's optional `reduction { }` step, run by the controller
// (embedded, or rank 0 under MPI) after the search: `pinas reduce` on the
// `candidates` most accurate complete trials with a model file, each to every
// budget below its ReLUs, into `folder`/reductions/trial-N/ (front.json there).
// Resumable: finished budgets are not rerun, a killed one continues. Logs one
// line per reduced network. Does nothing without the step. Throws pinas::Error
// from the reduction.
void run_reduction_step(const ExperimentResults& results, std::ostream& log);

}  // namespace pinas::nas
