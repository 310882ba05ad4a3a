#pragma once

#include <torch/torch.h>

#include <ostream>

// The supernets' batch norm (train/supernet): torch's BatchNorm2d (the same
// options, parameters, buffers and archive names, the same arithmetic)
// that, inside a DataParallelScope (train/supernet/data_parallel_group.h),
// normalizes with the mean and variance of the global batch, every rank's
// shard together, whenever it uses batch statistics (training mode, or
// track_running_stats off). The statistics are summed over the ranks
// differentiably, so the gradients are those of one process holding the
// whole batch; the running statistics are updated from the global ones,
// identically on every rank. Internal to train/supernet.
namespace pinas::train::supernet::detail {

// A module of its own rather than a BatchNorm2dImpl subclass: LibTorch does
// not export the base-class members a subclass's vtables reference.
class SynchronizedBatchNorm2dImpl : public torch::nn::Module {
 public:
  explicit SynchronizedBatchNorm2dImpl(const torch::nn::BatchNorm2dOptions& options);
  // Requires N x C x H x W. Collective inside a DataParallelScope when
  // batch statistics are used.
  torch::Tensor forward(const torch::Tensor& input);
  void pretty_print(std::ostream& stream) const override;

  torch::nn::BatchNorm2dOptions options;
  torch::Tensor weight, bias;                                    // when affine
  torch::Tensor running_mean, running_var, num_batches_tracked;  // when tracking

 private:
  torch::Tensor global_batch_norm(const torch::Tensor& input);
};
TORCH_MODULE(SynchronizedBatchNorm2d);

}  // namespace pinas::train::supernet::detail
