#pragma once

#include "search_spaces/search_space.h"

namespace pinas::spaces {

// The ENAS macro space with CryptoNAS' ReLU optimizations.
//   stem:    conv3x3 (input -> C) -> BN, no ReLU
//   layer i: ReLU on the layer input (ReLU shuffling: the one ReLU of the
//            layer, before its op) -> op, one of conv3x3, conv5x5,
//            sep_conv3x3, sep_conv5x5 (each followed by BN), avg_pool3x3,
//            max_pool3x3 (stride 1, same channels); if the layer has skip
//            connections: concat(op output, chosen earlier layers' outputs,
//            average-pooled to this resolution) -> conv1x1 -> BN, no ReLU
//            (ReLU pruning).
//   pooling: before layers floor(L/3) and floor(2L/3) (the ENAS positions):
//            avg_pool 2x2 stride 2 -> conv1x1 (channels x4, ReLU balancing) -> BN.
//   head:    global average pool -> linear.
// Every layer then carries the same ReLU count, so ReLUs = L*H*W*C on an
// input whose size halves exactly (86,016 for L=6, C=14 on 32x32).
// Sampling draws L from {6, 9, 12}, C from {8, 12, 16, 20, 24, 32}, each op
// uniformly and each skip bit with probability 1/2; build() accepts any
// 1 <= L <= 64 and 1 <= C <= 65536. Readable form: "L6-C14:conv3x3|conv5x5+0|sep_conv3x3+0+1|...".
class CryptoNasSpace final : public SearchSpace {
 public:
  std::string name() const override { return "cryptonas"; }
  std::string summary() const override;
  SpaceSize size() const override;
  pb::Genotype sample(std::mt19937_64& random) const override;
  pb::Genotype mutate(const pb::Genotype& genotype, std::mt19937_64& random) const override;
  void check(const pb::Genotype& genotype) const override;
  std::string describe(const pb::Genotype& genotype) const override;
  pb::Genotype parse(std::string_view description) const override;

  // A genotype with every layer's op `op` and no skips (e.g. for presets).
  static pb::Genotype plain(int num_layers, std::int64_t channels, pb::CryptoNasOp op);

 protected:
  void emit(const pb::Genotype& genotype, Shape input, std::int64_t num_classes,
            detail::NetworkBuilder& builder) const override;
};

}  // namespace pinas::spaces
