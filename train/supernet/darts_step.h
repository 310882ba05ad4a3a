#pragma once

#include <torch/torch.h>

#include "train/supernet/darts_supernet.h"
#include "train/supernet/data_parallel_group.h"

namespace pinas::train::supernet {

// What one bilevel step needs besides the optimizers.
struct DartsStepSettings {
  // true: grad_alpha at the weights one virtual SGD step ahead,
  // w - lr * (momentum * v + g + weight_decay * w) with g the weight-batch
  // gradient (no second-order term); false: at the current weights.
  bool unrolled = true;
  double momentum = 0.9;       // of the weight optimizer (for the virtual step)
  double weight_decay = 3e-4;  // of the weight optimizer (for the virtual step)
  double gradient_clip = 5.0;  // global norm of the weight gradient; 0 = off
  // Data parallel (not owned; nullptr: one process): the batches passed are
  // this rank's shards, the losses are those of the global batches (each
  // rank's cross-entropy sum over the global count), and every gradient is
  // summed over the ranks before it is used.
  DataParallelGroup* group = nullptr;
};

struct DartsStepResult {
  torch::Tensor logits;  // of the weight batch, before the weight update
  // Cross-entropy of the weight batch (data parallel: this rank's share of
  // the global batch's mean; the shares sum to it); not finite = no weight
  // update was made.
  double loss = 0;
};

// One DARTS step: an alpha step (`alpha_optimizer`, over the supernet's
// alphas) on the alpha batch, then a weight step (`weight_optimizer`, SGD
// over weight_parameters() at `learning_rate`, clipped) on the weight batch.
// The supernet must be in training mode. Thread-safety: one caller per
// supernet.
DartsStepResult darts_step(DartsSupernetImpl& supernet, torch::optim::SGD& weight_optimizer,
                           torch::optim::Optimizer& alpha_optimizer,
                           const DartsStepSettings& settings, double learning_rate,
                           const torch::Tensor& weight_images, const torch::Tensor& weight_labels,
                           const torch::Tensor& alpha_images, const torch::Tensor& alpha_labels);

}  // namespace pinas::train::supernet
