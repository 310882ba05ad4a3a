#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "proto/model.pb.h"
#include "train/checkpoint.h"
#include "train/network.h"
#include "train/data/batch_loader.h"
#include "train/reduction/reduction_options.h"
#include "train/training_data.h"

namespace pinas::train::detail {

// What one epoch of reduction training measured.
struct ReductionEpoch {
  double loss = 0.0;
  double accuracy = 0.0;   // on the augmented training batches
  double images_per_s = 0.0;
  double seconds = 0.0;
};

// The shared machinery of the reduction methods: the input model, the teacher,
// the data (stratified subsets and a validation split), the device, and a
// training loop with knowledge distillation from the teacher.
// Thread-safety: one thread at a time.
class ReductionContext {
 public:
  // Loads the model and teacher files and the data. Throws pinas::Error naming
  // the file for an unreadable model, or data::DatasetError.
  explicit ReductionContext(const ReductionJob& job);

  const ReductionJob& job() const { return job_; }
  const pb::Model& model() const { return model_; }
  torch::Device device() const { return device_; }
  const TrainingData& data() const { return *data_; }
  NetworkImpl& teacher() { return **teacher_; }

  // A fresh copy of the input model as a trainable network on the device.
  Network student() const;
  // The CheckpointInfo to save `network` with (the model's metadata).
  CheckpointInfo checkpoint_info(const NetworkImpl& network) const;

  // CE + kd_weight·T²·KL(teacher_T ‖ student_T) (batch mean).
  torch::Tensor distillation_loss(const torch::Tensor& logits, const torch::Tensor& teacher_logits,
                                  const torch::Tensor& labels, double kd_weight) const;

  // One epoch over the training batches: per batch, parameter group g of
  // `optimizer` gets the learning rate base_rates[g]·schedule(step), the loss is
  // distillation_loss + `penalty()` (if set), and `after_step(step)` runs after
  // the update and may end the epoch early by returning true; `step` counts
  // batches over the whole phase and is advanced. Throws pinas::Error on a
  // non-finite loss.
  ReductionEpoch train_epoch(NetworkImpl& network, torch::optim::Optimizer& optimizer, int epoch,
                             int64_t& step, double kd_weight, const std::vector<double>& base_rates,
                             const std::function<double(int64_t)>& schedule,
                             const std::function<torch::Tensor()>& penalty = {},
                             const std::function<bool(int64_t)>& after_step = {});
  int64_t batches_per_epoch() const;

  // Accuracy on the validation split (NaN without one) and on the test set.
  double validation_accuracy(NetworkImpl& network) const;
  double test_accuracy(NetworkImpl& network) const;

  // Exports `network` to `path` (model file) with `metadata` added; returns the
  // exported file's exact ReLU and polynomial-element counts (from its IR).
  std::pair<int64_t, int64_t> export_network(NetworkImpl& network, const std::filesystem::path& path,
                                             double test_accuracy,
                                             const std::map<std::string, std::string>& metadata) const;

  // A progress line on stderr (when the job asks for progress) and in `log`.
  void log(const std::string& line) const;

 private:
  ReductionJob job_;
  pb::Model model_;
  torch::Device device_ = torch::kCPU;
  std::shared_ptr<const TrainingData> data_;
  data::Normalization normalization_;
  std::optional<Network> teacher_;
  std::unique_ptr<data::BatchLoader> loader_;
};


// Cosine from `start` to `end` over `total` steps (constant `end` past it).
double cosine_rate(double start, double end, int64_t step, int64_t total);

}  // namespace pinas::train::detail
