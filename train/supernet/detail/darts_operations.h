#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "train/supernet/detail/synchronized_batch_norm.h"

// The candidate ops of the Sphynx cell search (none of them has a ReLU), as
// LibTorch modules built from the same convolution layer the IR network uses
// (train/detail/convolution_layers.h), so search and retraining share one
// convolution implementation. Internal to train/supernet.
namespace pinas::train::supernet::detail {

// The ops of a mixed edge, in the order of the alpha columns. Index k >= 1 is
// pb::SphynxOp k - 1 (avg_pool_3x3, skip, conv_3x3, conv_5x5, dil_conv_3x3,
// dil_conv_5x5); 0 is "none", which contributes nothing.
inline constexpr int kMixedOpCount = 7;

// Which recipe the ops follow. kPaper: conv = conv -> BN -> conv -> BN,
// avg_pool -> BN, skip at stride 2 = factorized reduce -> BN (Sphynx).
// kSpace: exactly what the sphynx space emits for retraining (conv -> BN
// once, plain avg_pool, skip at stride 2 = conv1x1/2 -> BN).
enum class OpStyle { kPaper, kSpace };

// One candidate op at a given stride on `channels` channels. Batch norms are
// without affine parameters (DARTS' mixed op). Throws pinas::Error for an op
// index outside 1 .. kMixedOpCount - 1. Thread-safety: like any module.
class CandidateOperationImpl : public torch::nn::Module {
 public:
  CandidateOperationImpl(int op, int64_t channels, int stride, OpStyle style,
                         torch::Generator& generator);
  torch::Tensor forward(const torch::Tensor& input);

 private:
  int op_;
  int stride_;
  OpStyle style_;
  std::vector<std::shared_ptr<torch::nn::Module>> convolutions_;  // detail::ConvolutionLayerImpl
  std::vector<SynchronizedBatchNorm2d> norms_;
};
TORCH_MODULE(CandidateOperation);

// Maps `channels_in` to `channels_out` at stride 1 or 2 without a ReLU:
// conv1x1 -> BN, or at stride 2 in the paper style the factorized reduce (two
// conv1x1/2 of half the channels, the second shifted by one pixel,
// concatenated) -> BN. Batch norm with `affine` parameters or without.
class ChannelProjectionImpl : public torch::nn::Module {
 public:
  ChannelProjectionImpl(int64_t channels_in, int64_t channels_out, int stride, OpStyle style,
                        bool affine, torch::Generator& generator);
  torch::Tensor forward(const torch::Tensor& input);

 private:
  int stride_;
  bool factorized_ = false;
  std::vector<std::shared_ptr<torch::nn::Module>> convolutions_;
  SynchronizedBatchNorm2d norm_{nullptr};
};
TORCH_MODULE(ChannelProjection);

// An edge of the supernet: every candidate op applied to the input, summed
// with the edge's softmax(alpha) weights (DARTS). Requires weights of
// kMixedOpCount entries.
class MixedOperationImpl : public torch::nn::Module {
 public:
  MixedOperationImpl(int64_t channels, int stride, OpStyle style, torch::Generator& generator);
  torch::Tensor forward(const torch::Tensor& input, const torch::Tensor& weights);

 private:
  std::vector<CandidateOperation> operations_;  // index k - 1 for op k
};
TORCH_MODULE(MixedOperation);

}  // namespace pinas::train::supernet::detail
