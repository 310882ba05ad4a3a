#pragma once

#include "search_spaces/search_space.h"

namespace pinas::spaces {

// The NAS-Bench-201 cell in its standard skeleton (C = 16, N = 5):
//   stem conv3x3 (16) -> BN; 5 cells at 16 channels; residual reduction
//   block to 32 (ReLU-conv3x3/2-BN -> ReLU-conv3x3-BN, shortcut avg_pool
//   2x2/2 -> conv1x1); 5 cells at 32; reduction to 64; 5 cells at 64;
//   BN -> ReLU -> global average pool -> linear.
// A cell has 4 nodes; node j sums op(node i) over i < j, each of the 6 edges
// one of none, skip_connect, nor_conv_1x1, nor_conv_3x3 (ReLU-conv-BN),
// avg_pool_3x3: 5^6 = 15,625 cells. The IR keeps only what reaches the cell
// output: "none" edges and nodes that feed nothing are left out, and the
// ReLU of a node is computed once and shared by every conv edge reading it
// (in PI a repeated ReLU on the same tensor is pure waste).
// Readable form: NAS-Bench-201's own, e.g.
// "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|".
class Nb201Space final : public SearchSpace {
 public:
  std::string name() const override { return "nb201"; }
  std::string summary() const override;
  SpaceSize size() const override;
  pb::Genotype sample(std::mt19937_64& random) const override;
  pb::Genotype mutate(const pb::Genotype& genotype, std::mt19937_64& random) const override;
  void check(const pb::Genotype& genotype) const override;
  std::string describe(const pb::Genotype& genotype) const override;
  pb::Genotype parse(std::string_view description) const override;

  // The cell with index `index` in [0, 15625) (edge e's op is digit e in base 5).
  static pb::Genotype from_index(int index);

 protected:
  void emit(const pb::Genotype& genotype, Shape input, std::int64_t num_classes,
            detail::NetworkBuilder& builder) const override;
};

}  // namespace pinas::spaces
