#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "proto/error.h"
#include "proto/genotype.pb.h"
#include "train/supernet/darts_supernet.h"
#include "train/supernet/data_parallel_group.h"
#include "train/supernet/supernet_checkpoint.h"

namespace pinas::train::supernet {

// One DARTS cell search (Sphynx's recipe by default): the data, the supernet
// and the bilevel optimizer settings.
struct DartsSearchSettings {
  // The data as the trainer loads it (train/training_data.h): the held-out
  // validation part is never seen; the training part is split into the
  // weight part (weight_fraction) and the alpha part (the rest).
  std::string data_spec = "fashion-mnist";
  double validation_fraction = 0.1;
  int64_t train_subset = 0;
  int64_t test_subset = 0;  // unused by the search; shares the trainer's cached copy of the data
  double weight_fraction = 0.5;

  // Input shape and classes are taken from the dataset.
  DartsSupernetOptions network;
  int64_t batch_size = 64;
  int epochs = 50;
  double learning_rate = 0.025;        // cosine per epoch ...
  double final_learning_rate = 0.001;  // ... down to this
  double momentum = 0.9;
  double weight_decay = 3e-4;
  double gradient_clip = 5.0;  // 0 turns clipping off
  double alpha_learning_rate = 3e-4;
  double alpha_beta1 = 0.5;
  double alpha_beta2 = 0.999;
  double alpha_weight_decay = 1e-3;
  // true: grad_alpha of the alpha-part loss at the weights one virtual SGD
  // step ahead (Sphynx's code in effect); false: at the current weights.
  bool unrolled = true;
  // Caps the skip edges of the derived normal cell (P-DARTS' M; see
  // DartsSupernetImpl::derive_cell); < 0, the default (Sphynx), caps nothing.
  // Derivation only: not part of the checkpoint's settings, so a finished
  // search resumed with another cap derives every epoch again from its
  // recorded alphas without training.
  int max_normal_skips = -1;
  uint64_t seed = 1;
  int threads = 0;  // intra-op threads; 0 leaves the current setting
  // The checkpoint file, written atomically after every epoch and resumed
  // from when it exists. Empty: no checkpoint.
  std::filesystem::path checkpoint;
  // Data parallel over the group's ranks (nullptr: this process alone):
  // every rank runs the search with the same settings and takes its shard
  // of every global batch (batch_size images); gradients, batch-norm
  // statistics and the reported figures are sums over the ranks, so K ranks
  // follow the trajectory of one. Only rank 0 writes the checkpoint; every
  // rank resumes from it. Not part of the checkpoint's settings.
  std::shared_ptr<DataParallelGroup> group;
  // Called after every step (may be empty) with the 0-based epoch and step:
  // for trajectory dumps (tests/nas/mpi_supernet_trajectory.cpp).
  std::function<void(int epoch, int64_t step, DartsSupernetImpl& supernet)> on_step;
};

// One supernet epoch.
struct DartsEpochReport {
  int epoch = 0;  // 1-based
  int epochs = 0;
  double learning_rate = 0;   // of the weight step in this epoch
  double train_loss = 0;      // weight batches, mean
  double train_accuracy = 0;  // weight batches (training mode)
  double val_accuracy = 0;    // the alpha part, evaluation mode
  pb::SphynxGenotype cells;   // derived after this epoch (normal and reduction only)
  // The alphas after this epoch, row-major 14 x 7 each. Empty for an epoch
  // read back from a checkpoint written before they were recorded; its cells
  // are then the uncapped ones the checkpoint holds, and under a skip cap it
  // cannot be the best epoch (derivable = false), except the last epoch,
  // whose alphas are the supernet's.
  std::vector<double> alpha_normal;
  std::vector<double> alpha_reduce;
  bool derivable = true;
  double seconds = 0;
  bool resumed = false;  // read back from the checkpoint, not trained by this call
};

struct DartsSearchResult {
  pb::SphynxGenotype best_cells;  // the cells of the best validation epoch
  int best_epoch = 0;
  double best_val_accuracy = 0;
  std::vector<DartsEpochReport> history;
  int epochs_resumed = 0;  // epochs read back from the checkpoint
};

// The search's checkpoint cannot be used: unreadable, or written by a search
// with other settings. The message names the file.
using DartsCheckpointError = SupernetCheckpointError;

// Runs the search: per step one alpha (Adam) step on an alpha-part batch,
// then one weight (SGD, momentum, weight decay, clipping) step on a
// weight-part batch; per epoch the validation accuracy on the alpha part and
// the derived cells; the result keeps the cells of the best validation
// epoch (the first on ties). `on_epoch` (may be empty) sees every epoch,
// those read back from the checkpoint too (resumed = true). Every random
// choice is a function of (seed, epoch), and the checkpoint holds the
// weights, alphas, batch-norm statistics and both optimizers' states, so a
// run resumed after a kill reaches the same result as an uninterrupted one
// (single-threaded, on CPU).
//
// Throws data::DatasetError for unreadable data, DartsCheckpointError for an
// unusable checkpoint, pinas::Error for bad settings or a non-finite loss.
// Thread-safety: one search per thread; `threads` applies to the caller.
DartsSearchResult run_darts_search(
    const DartsSearchSettings& settings,
    const std::function<void(const DartsEpochReport&)>& on_epoch = {});

}  // namespace pinas::train::supernet
