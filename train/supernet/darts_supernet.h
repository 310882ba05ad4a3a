#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "proto/genotype.pb.h"
#include "train/supernet/detail/darts_operations.h"

namespace pinas::train::supernet {

// The shape of the DARTS search network over the sphynx cell space. The
// defaults are Sphynx's search network on CIFAR.
struct DartsSupernetOptions {
  int64_t input_channels = 3;
  int64_t input_height = 32;
  int64_t input_width = 32;
  int64_t num_classes = 10;
  int cells = 8;
  int64_t channels = 16;  // C of the first cells; x2 at each reduction
  std::vector<int> reduction_positions{2, 5};
  int stem_multiplier = 3;         // stem: conv3x3 (input -> stem_multiplier * C) -> BN
  double alpha_init_scale = 1e-3;  // alpha = scale * randn
  detail::OpStyle op_style = detail::OpStyle::kPaper;
};

// The DARTS supernet: stem, `cells` cells and a linear head. A cell reads the
// outputs of the two previous cells (s0, s1, each projected to the cell's
// width by conv1x1 -> BN without ReLU; s0 reduced when the previous cell was
// a reduction), has 4 nodes, node i summing one mixed op on each of the 2 + i
// earlier states (cell inputs first, the same numbering as pb::SphynxEdge),
// and ends with concat -> ReLU -> conv1x1 (4C -> C) -> BN: its only ReLU.
// Normal cells share alpha_normal [14 x 7], reduction cells alpha_reduce;
// each edge mixes its ops with softmax(alpha) (column 0 = none).
//
// Parameters: alphas are the module's parameters "alpha_normal" and
// "alpha_reduce"; weight_parameters() is every other parameter. Weights and
// alphas come from a generator seeded with `seed`, so the same seed gives the
// same supernet. Thread-safety: one thread at a time, like any module.
class DartsSupernetImpl : public torch::nn::Module {
 public:
  // Throws pinas::Error for cells < 1, channels < 2, a reduction position
  // outside [0, cells) or repeated, a non-positive input shape or fewer than 2 classes.
  DartsSupernetImpl(const DartsSupernetOptions& options, uint64_t seed);

  // Requires N x input_channels x H x W. Returns N x num_classes logits.
  torch::Tensor forward(const torch::Tensor& input);

  std::vector<torch::Tensor> weight_parameters();
  std::vector<torch::Tensor> alpha_parameters() { return {alpha_normal_, alpha_reduce_}; }
  const torch::Tensor& alpha_normal() const { return alpha_normal_; }
  const torch::Tensor& alpha_reduce() const { return alpha_reduce_; }

  // The discrete cell of `alpha` [14 x 7] (DARTS' derivation): per edge the
  // best op other than none by raw alpha; per node the 2 incoming edges whose
  // best op has the largest alpha (ties to the lower input), written with the
  // lower input first. Thread-safe for distinct tensors.
  // max_skips >= 0 caps the cell's skip edges (P-DARTS' search-space
  // regularization, Chen et al. 2019): while the cell has more, the weakest
  // chosen skip (lowest raw alpha) is struck from its edge and the cell is
  // derived again, so that edge offers its next op and may lose its place to
  // another edge. max_skips < 0 (the default, Sphynx) caps nothing.
  static pb::SphynxCell derive_cell(const torch::Tensor& alpha, int max_skips = -1);
  // The derived normal and reduction cells (num_cells, channels and
  // reduction positions left unset: the final network's are chosen later),
  // the normal cell capped at max_normal_skips (< 0: no cap).
  pb::SphynxGenotype derive_cells(int max_normal_skips = -1) const;
  // derive_cells of recorded alphas (alpha_normal(), alpha_reduce() as
  // row-major 14 x 7 values). Throws pinas::Error for another size.
  static pb::SphynxGenotype derive_cells(const std::vector<double>& alpha_normal,
                                         const std::vector<double>& alpha_reduce,
                                         int max_normal_skips = -1);

  const DartsSupernetOptions& options() const { return options_; }

  // Edges per cell (2 + 3 + 4 + 5).
  static constexpr int kEdges = 14;
  static constexpr int kNodes = 4;

 private:
  struct Cell {
    bool reduction = false;
    detail::ChannelProjection preprocess0{nullptr};
    detail::ChannelProjection preprocess1{nullptr};
    std::vector<detail::MixedOperation> edges;  // node-major: node i's edges from input 0 .. i + 1
    std::shared_ptr<torch::nn::Module>
        merge;  // conv1x1 (4C -> C), train::detail::ConvolutionLayerImpl
    detail::SynchronizedBatchNorm2d merge_norm{nullptr};
  };

  torch::Tensor run_cell(Cell& cell, const torch::Tensor& s0, const torch::Tensor& s1,
                         const torch::Tensor& weights);

  DartsSupernetOptions options_;
  std::shared_ptr<torch::nn::Module> stem_;  // train::detail::ConvolutionLayerImpl
  detail::SynchronizedBatchNorm2d stem_norm_{nullptr};
  std::vector<Cell> cells_;
  std::shared_ptr<torch::nn::Module> classifier_;  // train::detail::LinearLayerImpl
  torch::Tensor alpha_normal_;
  torch::Tensor alpha_reduce_;
};
TORCH_MODULE(DartsSupernet);

}  // namespace pinas::train::supernet
