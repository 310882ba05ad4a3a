#include "train/supernet/detail/synchronized_batch_norm.h"

#include <algorithm>

#include "train/supernet/data_parallel_group.h"

namespace pinas::train::supernet::detail {

SynchronizedBatchNorm2dImpl::SynchronizedBatchNorm2dImpl(
    const torch::nn::BatchNorm2dOptions& batch_norm_options)
    : options(batch_norm_options) {
  const int64_t channels = options.num_features();
  if (options.affine()) {
    weight = register_parameter("weight", torch::ones({channels}));
    bias = register_parameter("bias", torch::zeros({channels}));
  }
  if (options.track_running_stats()) {
    running_mean = register_buffer("running_mean", torch::zeros({channels}));
    running_var = register_buffer("running_var", torch::ones({channels}));
    num_batches_tracked = register_buffer("num_batches_tracked", torch::zeros({}, torch::kLong));
  }
}

void SynchronizedBatchNorm2dImpl::pretty_print(std::ostream& stream) const {
  stream << "SynchronizedBatchNorm2d(" << options.num_features() << ", eps=" << options.eps()
         << ", affine=" << options.affine()
         << ", track_running_stats=" << options.track_running_stats() << ")";
}

torch::Tensor SynchronizedBatchNorm2dImpl::forward(const torch::Tensor& input) {
  const bool batch_statistics = is_training() || !options.track_running_stats();
  if (active_data_parallel_group() != nullptr && batch_statistics) return global_batch_norm(input);
  // torch::nn::BatchNorm2d's forward.
  double average_factor = 0.0;
  if (is_training() && options.track_running_stats()) {
    num_batches_tracked.add_(1);
    average_factor = options.momentum().has_value() ? *options.momentum()
                                                    : 1.0 / num_batches_tracked.item<double>();
  }
  return torch::batch_norm(input, weight, bias, running_mean, running_var, batch_statistics,
                           average_factor, options.eps(), /*cudnn_enabled=*/true);
}

torch::Tensor SynchronizedBatchNorm2dImpl::global_batch_norm(const torch::Tensor& input) {
  auto& group = *active_data_parallel_group();
  // Per channel: the count, sum and sum of squares of the shard, in double
  // (one pass; double keeps E[x^2] - E[x]^2 accurate), summed over the ranks.
  const int64_t channels = input.size(1);
  const auto shard_count = static_cast<double>(input.numel() / std::max<int64_t>(channels, 1));
  auto wide = input.to(torch::kFloat64);
  auto local = torch::cat({wide.sum({0, 2, 3}), (wide * wide).sum({0, 2, 3}),
                           torch::full({1}, shard_count, wide.options())});
  auto global = sum_across_ranks(group, local);
  auto count = global[2 * channels].detach();
  auto mean = global.narrow(0, 0, channels) / count;
  auto variance = global.narrow(0, channels, channels) / count - mean * mean;
  const std::vector<int64_t> shape{1, channels, 1, 1};
  auto inverse_deviation = torch::rsqrt(variance + options.eps()).to(input.scalar_type());
  auto output = (input - mean.to(input.scalar_type()).view(shape)) * inverse_deviation.view(shape);
  if (options.affine()) output = output * weight.view(shape) + bias.view(shape);
  if (is_training() && options.track_running_stats()) {
    torch::NoGradGuard no_grad;
    num_batches_tracked.add_(1);
    const double total = count.item<double>();
    const double momentum = options.momentum().has_value()
                                ? *options.momentum()
                                : 1.0 / num_batches_tracked.item<double>();
    auto unbiased = variance.detach() * (total / std::max(total - 1.0, 1.0));
    running_mean.mul_(1.0 - momentum).add_(mean.detach().to(running_mean.scalar_type()) * momentum);
    running_var.mul_(1.0 - momentum).add_(unbiased.to(running_var.scalar_type()) * momentum);
  }
  return output;
}

}  // namespace pinas::train::supernet::detail
