#pragma once

#include <cstdint>
#include <filesystem>

#include "train/reduction/detail/reduction_context.h"
#include "train/reduction/detail/reduction_state.h"
#include "train/reduction/reduction_options.h"

// One (method, budget) run each. `folder` holds its checkpoint (resumed when
// the job asks), log and model file. Each returns the exported network, whose
// ReLU count is at most `budget` by the exported file's IR.
namespace pinas::train::detail {

// SNL, per pixel or per channel (snl_reduction.cpp). `continue_from`, when it
// names a larger budget's mask_phase.pt, continues that run's mask phase (the
// trajectory is the same until the stop) instead of starting over.
ReducedNetwork run_snl(ReductionContext& context, int64_t budget, const std::filesystem::path& folder,
                       bool channel_wise, const std::filesystem::path& continue_from = {});

// SNL's λ schedule after an epoch (0-based state.epoch, not yet advanced) that
// ended with `count` live ReLUs: λ ← growth·λ when the count did not fall below
// the running minimum and epoch + 1 ≥ patience; then the minimum is updated.
void snl_lambda_step(ReductionState& state, int64_t count, const SnlOptions& options);

// AutoReP (autorep_reduction.cpp).
ReducedNetwork run_autorep(ReductionContext& context, int64_t budget, const std::filesystem::path& folder);

// Adam with two parameter groups: every parameter of `network` except
// `separate` at `rate`, then `separate` (α's or gate weights) at `separate_rate`.
torch::optim::Adam two_group_adam(NetworkImpl& network, const std::vector<torch::Tensor>& separate, double rate,
                                  double separate_rate);

// Saves `network` (and optimizer) with `state` into folder/checkpoint.pt, atomically.
void save_reduction_checkpoint(const ReductionContext& context, const std::filesystem::path& folder,
                               NetworkImpl& network, torch::optim::Optimizer& optimizer,
                               const ReductionState& state);

// SGD finetune of a binarized network with CE + KD, resumable: runs the epochs of
// `state` left (state.phase must be "finetune"), checkpointing after each.
void finetune(ReductionContext& context, const std::filesystem::path& folder, NetworkImpl& network,
              ReductionState& state, int epochs, double learning_rate, double momentum, double weight_decay,
              double kd_weight, const std::string& label);

// Exports `network` to folder/model.pb and measures it.
ReducedNetwork finish_reduced_network(ReductionContext& context, const std::filesystem::path& folder,
                                      NetworkImpl& network, int64_t budget, const std::string& label, int epochs,
                                      double seconds);

}  // namespace pinas::train::detail

namespace pinas::train::detail {

// DeepReDuce on a `resnet`-space model (deepreduce_reduction.cpp): the
// criticality table, then one KD-trained network per budget.
void run_deepreduce(ReductionContext& context, ReductionResult& result);

}  // namespace pinas::train::detail
