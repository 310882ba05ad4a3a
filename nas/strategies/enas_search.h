#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "nas/strategies/enas_controller.h"
#include "proto/genotype.pb.h"
#include "train/supernet/data_parallel_group.h"
#include "train/supernet/enas_supernet.h"
#include "train/supernet/supernet_checkpoint.h"

namespace pinas::nas {

// One ENAS macro search (CryptoNAS' recipe by default): the data, the
// supernet, the controller and the schedule.
struct EnasSearchSettings {
  // The data as the trainer loads it (train/training_data.h): the child
  // trains on the training part; rewards and the per-epoch validation
  // accuracy come from the validation part (ENAS' 45k/5k split).
  std::string data_spec = "fashion-mnist";
  double validation_fraction = 0.1;
  int64_t train_subset = 0;
  int64_t test_subset = 0;  // unused by the search; shares the trainer's cached copy of the data

  // Input shape and classes are taken from the dataset.
  train::supernet::EnasSupernetOptions network;
  EnasControllerOptions controller;  // its layers are network.layers
  int64_t batch_size = 128;
  int epochs = 310;
  double learning_rate = 0.05;        // cosine with warm restarts per epoch ...
  double final_learning_rate = 5e-4;  // ... down to this
  int restart_period = 10;            // T0
  int restart_multiplier = 2;         // Tmul
  double momentum = 0.9;              // Nesterov
  double weight_decay = 5e-4;
  int controller_steps = 50;        // controller updates per epoch
  int controller_samples = 20;      // architectures per update
  int64_t reward_batch_size = 128;  // one validation minibatch per reward
  int final_samples = 10;           // architectures scored at the end
  uint64_t seed = 1;
  int threads = 0;  // intra-op threads; 0 leaves the current setting
  // The checkpoint file, written atomically after every epoch and resumed
  // from when it exists. Empty: no checkpoint.
  std::filesystem::path checkpoint;
  // Data parallel over the group's ranks (nullptr: this process alone):
  // every rank runs the search with the same settings, so the controller
  // samples the same architectures everywhere; each rank takes its shard of
  // every child and reward minibatch, the child gradients, batch-norm
  // statistics and correct counts are summed over the ranks, so the rewards
  // and hence the controller's updates are the same on every rank and K
  // ranks follow the trajectory of one. Only rank 0 writes the checkpoint.
  // Not part of the checkpoint's settings.
  std::shared_ptr<train::supernet::DataParallelGroup> group;
  // Called after every child step (may be empty): for trajectory dumps
  // (tests/nas/mpi_supernet_trajectory.cpp).
  std::function<void(train::supernet::EnasSupernetImpl&, const EnasController&)> on_step;
};

// One supernet epoch: a pass of child training, then the controller updates.
struct EnasEpochReport {
  int epoch = 0;  // 1-based
  int epochs = 0;
  double learning_rate = 0;   // of the child in this epoch
  double train_loss = 0;      // child minibatches (each its own architecture), mean
  double train_accuracy = 0;  // the same minibatches
  double val_accuracy = 0;    // the controller's most likely architecture on the validation part
  double mean_reward = 0;     // of the controller samples of this epoch
  double mean_entropy = 0;    // of the controller samples of this epoch
  double baseline = 0;        // after the epoch
  pb::CryptoNasGenotype architecture;  // the most likely architecture after this epoch
  double seconds = 0;
  bool resumed = false;  // read back from the checkpoint, not trained by this call
};

struct EnasCandidate {
  pb::CryptoNasGenotype architecture;
  double accuracy = 0;  // on the scoring minibatch
};

struct EnasSearchResult {
  pb::CryptoNasGenotype best;  // the best scored of the final samples (the first on ties)
  double best_accuracy = 0;
  std::vector<EnasCandidate> scored;  // every final sample, in sampling order
  std::vector<EnasEpochReport> history;
  int epochs_resumed = 0;
};

// Cosine annealing with warm restarts (SGDR) per epoch: in a cycle of T
// epochs (T0, T0 * Tmul, ...) epoch t of it gets final + (initial - final) *
// (1 + cos(pi * t / T)) / 2. Requires restart_period >= 1 and
// restart_multiplier >= 1. Thread-safe.
double cosine_with_restarts(double initial, double final_rate, int restart_period,
                            int restart_multiplier, int epoch);

// Runs the search: per epoch one pass over the training part, each
// minibatch on a fresh controller sample (SGD, Nesterov momentum, weight
// decay); then controller_steps updates of controller_samples architectures,
// each rewarded with its accuracy on its own validation minibatch; then the
// most likely architecture's validation accuracy. At the end final_samples
// architectures are drawn and scored on one shared validation minibatch.
// Every random choice is a function of (seed, epoch) or of the controller's
// generator, and the checkpoint holds the supernet, the child optimizer, the
// controller (weights, Adam, generator, baseline) and the history, so a run
// resumed after a kill reaches the same result as an uninterrupted one
// (single-threaded, on CPU). `on_epoch` (may be empty) sees every epoch,
// those read back too (resumed = true).
// Throws data::DatasetError for unreadable data,
// train::supernet::SupernetCheckpointError for an unusable checkpoint,
// pinas::Error for bad settings, an empty validation part or a non-finite
// loss. Thread-safety: one search per thread; `threads` applies to the caller.
EnasSearchResult run_enas_search(const EnasSearchSettings& settings,
                                 const std::function<void(const EnasEpochReport&)>& on_epoch = {});

}  // namespace pinas::nas
