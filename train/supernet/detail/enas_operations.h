#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "train/supernet/detail/synchronized_batch_norm.h"

// The branches of the ENAS macro search (one per pb::CryptoNasOp) and the
// factorized reduction, as LibTorch modules built from the convolution layers
// the IR network uses (train/detail/convolution_layers.h), so search and
// retraining share one convolution implementation. Internal to train/supernet.
namespace pinas::train::supernet::detail {

// Branches per layer, in pb::CryptoNasOp order (conv3x3, conv5x5,
// sep_conv3x3, sep_conv5x5, avg_pool3x3, max_pool3x3).
inline constexpr int kEnasBranchCount = 6;

// Which recipe the branches follow. kPaper (ENAS, CryptoNAS' search): conv
// branches conv1x1 -> BN -> ReLU -> kxk conv -> BN -> ReLU, pool branches
// conv1x1 -> BN -> ReLU -> pool. kSpace: what the cryptonas space emits for
// retraining: ReLU -> kxk conv -> BN (separable likewise), or ReLU -> pool.
enum class EnasOpStyle { kPaper, kSpace };

// Batch norm that always normalizes with the batch's own statistics, in
// training and evaluation mode alike: one running average over thousands of
// different sampled paths would describe none of them.
SynchronizedBatchNorm2d batch_statistics_norm(int64_t channels);

// One branch of a layer on `channels` channels at stride 1 (same size out).
// Throws pinas::Error for an op outside 0 .. kEnasBranchCount - 1.
// Thread-safety: like any module.
class EnasBranchImpl : public torch::nn::Module {
 public:
  EnasBranchImpl(int op, int64_t channels, EnasOpStyle style, torch::Generator& generator);
  torch::Tensor forward(const torch::Tensor& input);

 private:
  int op_;
  EnasOpStyle style_;
  std::shared_ptr<torch::nn::Module> projection_;  // kPaper: conv1x1 (ConvolutionLayerImpl)
  SynchronizedBatchNorm2d projection_norm_{nullptr};
  std::shared_ptr<torch::nn::Module> convolution_;  // conv ops: (Separable)ConvolutionLayerImpl
  SynchronizedBatchNorm2d norm_{nullptr};
};
TORCH_MODULE(EnasBranch);

// ENAS' factorized reduction, C -> C at half the resolution without a ReLU:
// two conv1x1 at stride 2 of C/2 and C - C/2 outputs, the second on the
// input shifted by one pixel (zero-padded), concatenated -> BN. Output size
// ceil(H / 2) x ceil(W / 2). Thread-safety: like any module.
class FactorizedReductionImpl : public torch::nn::Module {
 public:
  FactorizedReductionImpl(int64_t channels, torch::Generator& generator);
  torch::Tensor forward(const torch::Tensor& input);

 private:
  std::shared_ptr<torch::nn::Module> first_;
  std::shared_ptr<torch::nn::Module> second_;
  SynchronizedBatchNorm2d norm_{nullptr};
};
TORCH_MODULE(FactorizedReduction);

}  // namespace pinas::train::supernet::detail
