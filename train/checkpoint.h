#pragma once

#include <torch/torch.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "proto/architecture.pb.h"
#include "train/network.h"
#include "train/training_job.h"

namespace pinas::train {

// A training run can't be read back: missing, truncated or foreign checkpoint,
// or one whose weights do not fit its architecture. The message names the file.
class CheckpointError : public Error {
 public:
  using Error::Error;
};

// Everything a checkpoint records besides the tensors.
struct CheckpointInfo {
  pb::Architecture architecture;
  int epochs_completed = 0;
  int64_t optimizer_steps = 0;  // drives the learning-rate schedule on resume
  uint64_t seed = 0;
  std::vector<EpochMetrics> history;
  std::string dataset;                  // DatasetInfo::name
  std::vector<std::string> class_names;
  std::vector<float> normalization_mean;
  std::vector<float> normalization_std;
  double batch_norm_epsilon = 1e-5;
  double test_accuracy = std::nan("");  // set once the test set was measured
  // The trainer's random generator (torch::Generator::get_state()), restored
  // on resume. Undefined when the run has none.
  torch::Tensor generator_state;
  // The caller's own resumable state (a reduction's phase, λ...), saved
  // atomically with the weights; opaque here. Empty when there is none.
  std::string extra_state;
};

// The checkpoint file: a LibTorch archive holding the network's parameters
// and buffers, the optimizer state (momentum buffers), the random generator
// state and CheckpointInfo (as JSON and the architecture as protobuf bytes).
// Written atomically (temporary file, then rename), so a run killed while
// saving leaves the previous checkpoint intact.
class Checkpoint {
 public:
  // The file name used inside a training output folder.
  static constexpr const char* kFileName = "checkpoint.pt";

  // `path` itself when it is a file, else path/checkpoint.pt.
  static std::filesystem::path resolve(const std::filesystem::path& path);

  // Writes the checkpoint. `optimizer` may be null (no optimizer state).
  // Throws CheckpointError naming the path on an I/O failure.
  static void save(const std::filesystem::path& path, NetworkImpl& network, torch::optim::Optimizer* optimizer,
                   const CheckpointInfo& info);

  // Reads the info only. Throws CheckpointError naming the file.
  static CheckpointInfo read_info(const std::filesystem::path& path);

  // Reads the info and loads the weights (and, when `optimizer` is not null,
  // the optimizer state) into an already-built network of the same
  // architecture. Throws CheckpointError naming the file.
  static CheckpointInfo load(const std::filesystem::path& path, NetworkImpl& network,
                             torch::optim::Optimizer* optimizer);

  // Builds the checkpoint's network and loads its weights (for teachers,
  // export and evaluation). Returns the network in eval mode on the CPU.
  static Network load_network(const std::filesystem::path& path, CheckpointInfo* info = nullptr);
};

}  // namespace pinas::train
