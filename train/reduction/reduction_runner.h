#pragma once

#include <filesystem>
#include <string>

#include "train/reduction/reduction_options.h"

namespace pinas::train {

// Runs `job`: one reduced network per budget (each in
// output_dir/<method>-<budget>/, with its checkpoint, log and model.pb), then
// writes the front to output_dir/front.json. With job.resume, every budget
// continues from its checkpoint and finished budgets are not rerun.
//
// Requires: budgets non-empty, each positive and below the model's ReLU count;
// a model with ReLUs; for deepreduce a `resnet`-space model. Throws pinas::Error
// with a one-line reason otherwise, and data::DatasetError for bad data.
// Not thread-safe (uses LibTorch's global generator and thread settings).
ReductionResult run_reduction(const ReductionJob& job);

// The front as JSON (what front.json holds and `pinas reduce --json` prints).
std::string reduction_result_json(const ReductionResult& result);

// A plain-text table of the front (budget, ReLUs, polynomial elements,
// accuracies, epochs, seconds, model file), with the unreduced model first.
std::string reduction_result_table(const ReductionResult& result);

}  // namespace pinas::train
