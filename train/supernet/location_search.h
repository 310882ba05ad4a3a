#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

#include "train/data/augmentation.h"
#include "train/data/image_dataset.h"
#include "train/data/normalization.h"
#include "train/supernet/supernet_checkpoint.h"

namespace pinas::train::supernet {

// Sphynx's reduction-location search as a choice among candidate networks:
// logits beta over the candidates, a Gumbel-softmax sample per step with the
// straight-through hard one-hot, the temperature annealed linearly per
// epoch. The defaults are Sphynx's recipe (../shared/docs/methods.md).
struct LocationSearchSettings {
  int epochs = 50;
  int64_t batch_size = 96;
  double initial_temperature = 10.0;  // first epoch ...
  double final_temperature = 0.1;     // ... last epoch, linearly in between
  // Candidate networks run per step: the sampled one and this many minus one
  // others drawn uniformly (all of them when there are fewer).
  int candidates_per_step = 3;
  double beta_learning_rate = 3e-4;  // Adam over beta
  double beta_beta1 = 0.9;           // Adam's own defaults: the recipe names only the step
  double beta_beta2 = 0.999;
  double learning_rate = 0.025;  // SGD over the candidates' weights, constant
  double momentum = 0.9;
  double weight_decay = 3e-4;
  double gradient_clip = 5.0;  // global norm of the weight gradient; 0 = off
  uint64_t seed = 1;
  // Written atomically after every epoch and resumed from when it exists.
  // Empty: no checkpoint.
  std::filesystem::path checkpoint;
};

// One epoch of the location search.
struct LocationEpochReport {
  int epoch = 0;  // 1-based
  int epochs = 0;
  double temperature = 0;
  double train_loss = 0;              // weight batches, mean (the sampled mixture)
  double train_accuracy = 0;          // weight batches, training mode
  double val_accuracy = 0;            // argmax-beta candidate on the beta part, evaluation mode
  std::vector<double> probabilities;  // softmax(beta) after the epoch
  int chosen = 0;                     // argmax beta after the epoch
  double seconds = 0;
  bool resumed = false;  // read back from the checkpoint
};

struct LocationSearchResult {
  int chosen = 0;            // argmax beta at the end (the first on ties)
  std::vector<double> beta;  // the final logits
  std::vector<LocationEpochReport> history;
  int epochs_resumed = 0;
};

// The data and candidates of one location search. Every candidate maps a
// normalized N x C x H x W batch to N x classes logits.
struct LocationSearchInputs {
  std::vector<torch::nn::AnyModule> candidates;           // at least 2
  std::shared_ptr<const data::ImageDataset> weight_part;  // trains the candidates' weights
  std::shared_ptr<const data::ImageDataset> beta_part;    // trains beta, measures val accuracy
  data::Normalization normalization;
  data::AugmentationOptions augmentation;  // of the training batches
};

// Runs the search. Per step, one Gumbel sample (noise from a generator of
// (seed, epoch)) picks a candidate k and the others to run with it; the
// mixture sum_c y_c * candidate_c(x) over the run set, y the straight-through
// one-hot (value 1 at k, 0 elsewhere, gradient of the soft sample), takes
// one beta step (Adam) on a beta-part batch, then one weight step (SGD,
// clipped) on a weight-part batch. Bilevel like the cell search: beta never
// sees the weight batches. The checkpoint holds beta, every candidate's
// weights and statistics, both optimizers and the history, so a resumed run
// reaches the same result as an uninterrupted one (single-threaded, CPU).
// `on_epoch` (may be empty) sees every epoch, resumed ones too.
// Throws pinas::Error for bad settings, fewer than 2 candidates, empty parts
// or a non-finite loss, SupernetCheckpointError for an unusable checkpoint.
// Thread-safety: one search per thread.
LocationSearchResult run_location_search(
    const LocationSearchSettings& settings, LocationSearchInputs inputs,
    const std::function<void(const LocationEpochReport&)>& on_epoch = {});

// The temperature of epoch `epoch` (0-based): linear from initial to final
// over the epochs (the initial one when there is a single epoch). Thread-safe.
double location_search_temperature(const LocationSearchSettings& settings, int epoch);

}  // namespace pinas::train::supernet
