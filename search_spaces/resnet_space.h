#pragma once

#include "search_spaces/search_space.h"

namespace pinas::spaces {

// CIFAR ResNets (BasicBlock) with DeepReDuce's ReLU-reduction knobs:
//   depth:    ResNet-18 / -34 (stem 64, 4 stages 64..512) or ResNet-20 /
//             -32 / -56 (stem 16, 3 stages 16..64); stages after the first
//             start with a stride-2 block (shortcut conv1x1/2 -> BN).
//   alpha:    channel scale, every width is max(1, round(width * alpha)).
//   rho:      1 / resolution_divisor: the input is average-pooled by the
//             divisor before the stem, or (resolution_reduction STRIDED_STEM,
//             DeepReDuce's released models) the stem conv has that stride.
//   stem:     conv3x3 -> BN -> ReLU (the ReLU can be switched off).
//   block:    conv3x3 -> BN -> ReLU -> conv3x3 -> BN, + shortcut -> ReLU.
//             Thinning removes the first ReLU of the block (or, with
//             thinned_relu POST_ADD_RELU as DeepReDuce released it, the ReLU
//             after the add); culling a stage removes both ReLUs of every
//             block in it.
//   head:     global average pool -> linear.
// Sampling draws the depth, alpha in {0.25, 0.5, 1, 2}, the divisor in
// {1, 2}, and every on/off knob uniformly. Readable form:
// "resnet18-a1-r1-stem1-cull0000-thin00000000" (bits in stage/block order);
// "r2s" marks a strided stem and a trailing "p" post-add thinning.
class ResNetSpace final : public SearchSpace {
 public:
  std::string name() const override { return "resnet"; }
  std::string summary() const override;
  SpaceSize size() const override;
  pb::Genotype sample(std::mt19937_64& random) const override;
  pb::Genotype mutate(const pb::Genotype& genotype, std::mt19937_64& random) const override;
  void check(const pb::Genotype& genotype) const override;
  std::string describe(const pb::Genotype& genotype) const override;
  pb::Genotype parse(std::string_view description) const override;

  // The unmodified network of `depth` (alpha 1, rho 1, every ReLU kept).
  static pb::Genotype standard(pb::ResNetDepth depth);
  // Blocks per stage of `depth`.
  static std::vector<int> blocks_per_stage(pb::ResNetDepth depth);

 protected:
  void emit(const pb::Genotype& genotype, Shape input, std::int64_t num_classes,
            detail::NetworkBuilder& builder) const override;
};

}  // namespace pinas::spaces
