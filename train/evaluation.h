#pragma once

#include <torch/torch.h>

#include <cstdint>

#include "train/data/image_dataset.h"
#include "train/data/normalization.h"
#include "train/network.h"

namespace pinas::train {

// Top-1 accuracy (0 .. 1) of `network` on `dataset`, normalized with
// `normalization`, in eval mode (batch-norm running statistics), without
// gradients, on the network's device. The network's train/eval mode is
// restored afterwards. Requires a non-empty dataset whose shape fits the
// network. Not thread-safe for one network.
double evaluate_accuracy(NetworkImpl& network, const data::ImageDataset& dataset,
                         const data::Normalization& normalization, int64_t batch_size = 256);

}  // namespace pinas::train
