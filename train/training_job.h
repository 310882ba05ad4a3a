#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "proto/architecture.pb.h"

// The trainer's public vocabulary, free of LibTorch so that the search
// controller can describe and receive training runs without compiling torch.
namespace pinas::train {

// Optimizer, schedule and loss settings. Defaults suit small CIFAR/Fashion-MNIST
// networks: SGD with Nesterov momentum, cosine decay after a linear warmup.
struct Hyperparameters {
  int64_t batch_size = 128;
  double learning_rate = 0.05;       // peak rate, reached after warmup
  double momentum = 0.9;
  bool nesterov = true;
  double weight_decay = 5e-4;        // L2, applied by SGD to every parameter
  double warmup_epochs = 0.0;        // linear warmup from 0, fractional epochs allowed
  double final_learning_rate = 0.0;  // the cosine schedule's floor
  double label_smoothing = 0.0;      // 0 .. 1
  double gradient_clip_norm = 5.0;   // global L2 norm; 0 turns clipping off
  // Knowledge distillation (used only with TrainingJob::teacher_checkpoint):
  // loss = (1 - weight) * cross_entropy + weight * T^2 * KL(teacher_T || student_T).
  double distillation_weight = 0.9;
  double distillation_temperature = 4.0;
  bool augment = true;               // the dataset's standard augmentation on training batches
};

// What happened to one epoch.
struct EpochMetrics {
  int epoch = 0;                     // 1-based
  double train_loss = 0.0;           // mean over the epoch's batches
  double train_accuracy = 0.0;       // 0 .. 1, on augmented training batches
  double val_accuracy = 0.0;         // 0 .. 1; NaN when there is no validation split
  double learning_rate = 0.0;        // at the end of the epoch
  double images_per_s = 0.0;         // training images per second of this epoch
  double seconds = 0.0;              // wall time of the epoch (training + validation)
};

enum class TrainingStatus {
  Completed,      // every epoch ran
  StoppedEarly,   // the epoch callback asked to stop
  Failed,         // a non-finite loss, or an error (see failure_reason)
};

// The answer of an EpochCallback.
enum class EpochDecision { Continue, Stop };

// One training run: an architecture, a data spec and the settings.
struct TrainingJob {
  std::string name;                  // for logs and progress lines; defaults to the architecture name
  pb::Architecture architecture;     // input shape and classes must match the dataset
  // A data spec understood by train/data: "fashion-mnist", "cifar10:DIR",
  // "cifar100:DIR", "folder:DIR".
  std::string data_spec = "fashion-mnist";
  int64_t train_subset = 0;          // a stratified sample of N training images (after the split); 0 = all
  int64_t test_subset = 0;           // evaluate on a stratified sample of N test images; 0 = all
  double validation_fraction = 0.1;  // held out of the training set, deterministically
  int epochs = 1;
  Hyperparameters hyperparameters;
  uint64_t seed = 1;
  // Where checkpoints (checkpoint.pt, written after every epoch) and the JSONL
  // log (log.jsonl) go. Empty: nothing is written and resuming is impossible.
  std::filesystem::path output_dir;
  bool resume = false;               // continue from output_dir/checkpoint.pt when it exists
  std::filesystem::path teacher_checkpoint;  // a checkpoint.pt (or its folder) to distil from; empty = none
  int threads = 0;                   // intra-op threads for this job; 0 = leave the current setting
  int device = -1;                   // CUDA device index; -1 = CPU (the parallel trainer assigns GPUs)
  bool evaluate_test = true;         // measure test accuracy after the last epoch
  bool progress = false;             // print a progress bar / plain progress lines on stderr
};

// The outcome of a TrainingJob.
struct TrainingResult {
  std::string name;
  TrainingStatus status = TrainingStatus::Failed;
  std::string failure_reason;        // empty unless status == Failed
  int epochs_completed = 0;
  double val_accuracy = 0.0;         // of the last completed epoch (NaN without validation split)
  double test_accuracy = 0.0;        // NaN when not evaluated
  double final_train_loss = 0.0;
  int64_t relus = 0;                 // ReLUs per inference, counted on the built network
  int64_t parameters = 0;
  double images_per_s = 0.0;         // training images per second over all epochs run
  double wall_seconds = 0.0;         // the whole job, data loading included
  std::vector<EpochMetrics> history;
  std::filesystem::path checkpoint;  // the last checkpoint written, if any
};

// Called after every epoch with the job and its metrics. Returning Stop ends
// the job after that epoch (status StoppedEarly). The parallel trainer calls
// it from worker threads, one call at a time.
using EpochCallback = std::function<EpochDecision(const TrainingJob& job, const EpochMetrics& metrics)>;

// "completed", "stopped_early" or "failed".
std::string to_string(TrainingStatus status);

}  // namespace pinas::train
