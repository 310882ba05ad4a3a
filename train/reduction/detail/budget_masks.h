#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "train/network.h"

namespace pinas::train::detail {

// The binary masks that end a relaxation exactly within budget. Every site's
// live elements whose importance (MixedActivationLayerImpl::importance) exceeds
// `threshold` are candidates; if they are more than `budget`, the lowest
// importances are dropped until at most `budget` remain (whole channels when
// `channel_units`, since a channel-wise method cannot keep part of a channel).
// Ties break toward earlier sites and elements, so the result is deterministic.
// Returns one C×H×W 0/1 float mask per site, on the CPU.
std::vector<torch::Tensor> budget_masks(const std::vector<ActivationSite>& sites, int64_t budget, double threshold,
                                        bool channel_units);

// Σ over `masks` of their ones.
int64_t mask_ones(const std::vector<torch::Tensor>& masks);

}  // namespace pinas::train::detail
