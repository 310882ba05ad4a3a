#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "proto/genotype.pb.h"
#include "train/supernet/detail/enas_operations.h"

namespace pinas::train::supernet {

// The shape of the ENAS macro search network over the cryptonas space. The
// defaults are CryptoNAS' child supernet on CIFAR.
struct EnasSupernetOptions {
  int64_t input_channels = 3;
  int64_t input_height = 32;
  int64_t input_width = 32;
  int64_t num_classes = 10;
  int layers = 6;         // L
  int64_t channels = 12;  // C, the same in every layer during the search
  detail::EnasOpStyle op_style = detail::EnasOpStyle::kPaper;
};

// The ENAS shared-weight supernet: stem conv3x3 (input -> C) -> BN, `layers`
// layers each owning one weight set per branch (pb::CryptoNasOp order), and
// global average pool -> linear. forward() runs ONE path: the op and skips of
// each layer named by `architecture`, every other branch idle. Pooling comes
// before layers L/3 and 2L/3 (after layers L/3 - 1 and 2L/3 - 1, as ENAS and
// the cryptonas space place them); the width stays C.
// kPaper: layer output = BN(branch + sum of the skipped-to earlier outputs);
// at a pooling point each earlier output used later passes through its own
// factorized reduction (ENAS). kSpace (the cryptonas space's layer): with
// skips, concat(branch, earlier outputs average-pooled to this resolution)
// -> conv1x1 -> BN, the conv1x1 being the columns of the chosen inputs of one
// (1 + i) C -> C weight per layer i; a pooling point is avg_pool 2x2 ->
// conv1x1 -> BN.
// Batch norms normalize with batch statistics in both modes
// (detail::batch_statistics_norm). Weights come from a generator seeded with
// `seed`. Thread-safety: one thread at a time, like any module.
class EnasSupernetImpl : public torch::nn::Module {
 public:
  // Throws pinas::Error for layers outside 1..64, channels < 2, a
  // non-positive input shape or fewer than 2 classes.
  EnasSupernetImpl(const EnasSupernetOptions& options, uint64_t seed);

  // Requires N x input_channels x H x W and an architecture of options().layers
  // layers (num_layers and channels are ignored: the supernet's own are used).
  // Returns N x num_classes logits. Throws pinas::Error for another input
  // shape or a malformed architecture (op, skips), naming the layer.
  torch::Tensor forward(const torch::Tensor& input, const pb::CryptoNasGenotype& architecture);

  const EnasSupernetOptions& options() const { return options_; }

  // True when a pooling point precedes layer `layer` of an L-layer network
  // (the cryptonas space's rule: layer > 0 and layer is L/3 or 2L/3).
  static bool pools_before(int layer, int layers);

 private:
  struct Layer {
    std::vector<detail::EnasBranch> branches;  // pb::CryptoNasOp order
    detail::SynchronizedBatchNorm2d norm{
        nullptr};                              // kPaper: after the sum; kSpace: after the merge
    std::shared_ptr<torch::nn::Module> merge;  // kSpace: conv1x1 (1 + i) C -> C
  };

  void check_architecture(const pb::CryptoNasGenotype& architecture) const;

  EnasSupernetOptions options_;
  std::shared_ptr<torch::nn::Module> stem_;  // train::detail::ConvolutionLayerImpl
  detail::SynchronizedBatchNorm2d stem_norm_{nullptr};
  std::vector<Layer> layers_;
  // kPaper: reductions_[p][j] reduces layer j's output at pooling point p
  // (j before that point). kSpace: pool_convs_[p], pool_norms_[p].
  std::vector<std::vector<detail::FactorizedReduction>> reductions_;
  std::vector<std::shared_ptr<torch::nn::Module>> pool_convs_;
  std::vector<detail::SynchronizedBatchNorm2d> pool_norms_;
  std::shared_ptr<torch::nn::Module> classifier_;  // train::detail::LinearLayerImpl
};
TORCH_MODULE(EnasSupernet);

}  // namespace pinas::train::supernet
