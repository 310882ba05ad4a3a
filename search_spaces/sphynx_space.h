#pragma once

#include "search_spaces/search_space.h"

namespace pinas::spaces {

// The DARTS-style micro space of Sphynx.
//   stem: conv3x3 (input -> C) -> BN.
//   cell k reads s0 and s1, the outputs of cells k-2 and k-1 (the stem for
//   missing ones), each preprocessed by conv1x1 -> BN to the cell's input
//   channels (stride 2 for s0 when cell k-1 reduced). Each of its 4 nodes sums
//   two ops, each reading s0, s1 or an earlier node, from avg_pool_3x3,
//   skip, conv_3x3, conv_5x5, dil_conv_3x3, dil_conv_5x5 (convs -> BN; no
//   op contains a ReLU). In a reduction cell ops reading s0/s1 have stride 2
//   (skip becomes conv1x1/2 -> BN). The 4 nodes are concatenated -> conv1x1
//   -> BN -> ReLU: the cell's one ReLU. Reduction cells multiply the
//   channels by 4, so every cell carries the same ReLU count.
//   head: global average pool -> linear.
// Sampling draws num_cells from {5, 8, 11}, C from {8, 16, 24, 32}, two
// distinct reduction positions in [1, num_cells), and every edge's input and
// op uniformly. build() accepts 1 <= num_cells <= 64, any positions.
// Readable form: "N8-C16-R2.5:normal=<cell>;reduce=<cell>" with <cell> four
// nodes "op~input,op~input" joined by '|'.
class SphynxSpace final : public SearchSpace {
 public:
  std::string name() const override { return "sphynx"; }
  std::string summary() const override;
  SpaceSize size() const override;
  pb::Genotype sample(std::mt19937_64& random) const override;
  pb::Genotype mutate(const pb::Genotype& genotype, std::mt19937_64& random) const override;
  void check(const pb::Genotype& genotype) const override;
  std::string describe(const pb::Genotype& genotype) const override;
  pb::Genotype parse(std::string_view description) const override;

 protected:
  void emit(const pb::Genotype& genotype, Shape input, std::int64_t num_classes,
            detail::NetworkBuilder& builder) const override;
};

}  // namespace pinas::spaces
