#include "search_spaces/resnet_space.h"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <numeric>

#include "search_spaces/detail/network_builder.h"
#include "search_spaces/detail/space_helpers.h"

namespace pinas::spaces {
namespace {

constexpr std::array<double, 4> kScaleChoices{0.25, 0.5, 1.0, 2.0};
constexpr std::array<int, 2> kDivisorChoices{1, 2};
constexpr int kNumDepths = 5;
constexpr std::array<std::string_view, kNumDepths> kDepthNames{"resnet18", "resnet34", "resnet20",
                                                               "resnet32", "resnet56"};
constexpr double kMaxScale = 64;
constexpr int kMaxDivisor = 64;

using detail::NetworkBuilder;
using detail::Tensor;

int total_blocks(pb::ResNetDepth depth) {
  const auto blocks = ResNetSpace::blocks_per_stage(depth);
  return std::accumulate(blocks.begin(), blocks.end(), 0);
}

std::vector<std::int64_t> stage_widths(pb::ResNetDepth depth) {
  if (depth == pb::RESNET_18 || depth == pb::RESNET_34) return {64, 128, 256, 512};
  return {16, 32, 64};
}

double scale_of(const pb::ResNetGenotype& resnet) {
  return resnet.channel_scale() == 0 ? 1.0 : resnet.channel_scale();
}
int divisor_of(const pb::ResNetGenotype& resnet) {
  return resnet.resolution_divisor() == 0 ? 1 : resnet.resolution_divisor();
}

std::int64_t scaled(std::int64_t width, double scale) {
  return std::max<std::int64_t>(1, std::llround(static_cast<double>(width) * scale));
}

// Returns the bits as '0'/'1', all zeros for an empty (default) list.
std::string bits(const google::protobuf::RepeatedField<bool>& values, int count) {
  std::string text(static_cast<std::size_t>(count), '0');
  for (int i = 0; i < values.size(); ++i) text[i] = values.Get(i) ? '1' : '0';
  return text;
}

}  // namespace

std::vector<int> ResNetSpace::blocks_per_stage(pb::ResNetDepth depth) {
  switch (depth) {
    case pb::RESNET_18: return {2, 2, 2, 2};
    case pb::RESNET_34: return {3, 4, 6, 3};
    case pb::RESNET_20: return {3, 3, 3};
    case pb::RESNET_32: return {5, 5, 5};
    case pb::RESNET_56: return {9, 9, 9};
    default: throw SpaceError(fmt::format("resnet: depth: unknown value {}", static_cast<int>(depth)));
  }
}

std::string ResNetSpace::summary() const {
  return "CIFAR ResNet-18/34/20/32/56 with DeepReDuce knobs: alpha, rho, stem ReLU, stage culling, "
         "block thinning";
}

SpaceSize ResNetSpace::size() const {
  std::uint64_t total = 0;
  for (int depth = 0; depth < kNumDepths; ++depth) {
    const auto d = static_cast<pb::ResNetDepth>(depth);
    const int knobs = static_cast<int>(blocks_per_stage(d).size()) + total_blocks(d) + 1;
    total += (std::uint64_t{1} << knobs) * kScaleChoices.size() * kDivisorChoices.size();
  }
  return {static_cast<double>(total), total};
}

pb::Genotype ResNetSpace::standard(pb::ResNetDepth depth) {
  pb::Genotype genotype;
  auto& resnet = *genotype.mutable_resnet();
  resnet.set_depth(depth);
  resnet.set_channel_scale(1.0);
  resnet.set_resolution_divisor(1);
  for (std::size_t s = 0; s < blocks_per_stage(depth).size(); ++s) resnet.add_stage_culled(false);
  for (int b = 0; b < total_blocks(depth); ++b) resnet.add_block_thinned(false);
  return genotype;
}

pb::Genotype ResNetSpace::sample(std::mt19937_64& random) const {
  pb::Genotype genotype;
  auto& resnet = *genotype.mutable_resnet();
  const auto depth = static_cast<pb::ResNetDepth>(detail::uniform(random, 0, kNumDepths - 1));
  resnet.set_depth(depth);
  resnet.set_channel_scale(kScaleChoices[detail::uniform(random, 0, kScaleChoices.size() - 1)]);
  resnet.set_resolution_divisor(kDivisorChoices[detail::uniform(random, 0, kDivisorChoices.size() - 1)]);
  resnet.set_stem_relu_off(detail::coin(random));
  for (std::size_t s = 0; s < blocks_per_stage(depth).size(); ++s) resnet.add_stage_culled(detail::coin(random));
  for (int b = 0; b < total_blocks(depth); ++b) resnet.add_block_thinned(detail::coin(random));
  return genotype;
}

void ResNetSpace::check(const pb::Genotype& genotype) const {
  if (!genotype.has_resnet()) throw SpaceError("resnet: the genotype has no 'resnet' field");
  const auto& resnet = genotype.resnet();
  if (!pb::ResNetDepth_IsValid(resnet.depth())) {
    throw SpaceError(fmt::format("resnet: depth: unknown value {}", static_cast<int>(resnet.depth())));
  }
  const double scale = scale_of(resnet);
  if (!(scale > 0 && scale <= kMaxScale)) {
    throw SpaceError(fmt::format("resnet: channel_scale must be in (0, {}], is {}", kMaxScale, scale));
  }
  if (!pb::ResNetResolutionReduction_IsValid(resnet.resolution_reduction()) ||
      !pb::ResNetThinnedRelu_IsValid(resnet.thinned_relu())) {
    throw SpaceError("resnet: resolution_reduction or thinned_relu: unknown value");
  }
  if (divisor_of(resnet) < 1 || divisor_of(resnet) > kMaxDivisor) {
    throw SpaceError(fmt::format("resnet: resolution_divisor must be in [1, {}], is {}", kMaxDivisor,
                                 resnet.resolution_divisor()));
  }
  const int stages = static_cast<int>(blocks_per_stage(resnet.depth()).size());
  if (resnet.stage_culled_size() != 0 && resnet.stage_culled_size() != stages) {
    throw SpaceError(fmt::format("resnet: stage_culled must be empty or have {} entries, has {}",
                                 stages, resnet.stage_culled_size()));
  }
  const int blocks = total_blocks(resnet.depth());
  if (resnet.block_thinned_size() != 0 && resnet.block_thinned_size() != blocks) {
    throw SpaceError(fmt::format("resnet: block_thinned must be empty or have {} entries, has {}",
                                 blocks, resnet.block_thinned_size()));
  }
}

pb::Genotype ResNetSpace::mutate(const pb::Genotype& genotype, std::mt19937_64& random) const {
  check(genotype);
  pb::Genotype child = genotype;
  auto& resnet = *child.mutable_resnet();
  const auto stages = static_cast<int>(blocks_per_stage(resnet.depth()).size());
  const int blocks = total_blocks(resnet.depth());
  // Explicit bit lists, so that a flip is a single field change.
  if (resnet.stage_culled_size() == 0) for (int s = 0; s < stages; ++s) resnet.add_stage_culled(false);
  if (resnet.block_thinned_size() == 0) for (int b = 0; b < blocks; ++b) resnet.add_block_thinned(false);
  std::vector<double> other_scales;
  for (double scale : kScaleChoices) if (scale != scale_of(resnet)) other_scales.push_back(scale);
  std::vector<int> other_divisors;
  for (int divisor : kDivisorChoices) if (divisor != divisor_of(resnet)) other_divisors.push_back(divisor);
  // Uniform over single edits; the depth is not mutated (it would reshape
  // every per-block field at once).
  const std::int64_t total = 1 + stages + blocks + static_cast<std::int64_t>(other_scales.size() + other_divisors.size());
  std::int64_t edit = detail::uniform(random, 0, total - 1);
  if (edit == 0) {
    resnet.set_stem_relu_off(!resnet.stem_relu_off());
  } else if ((edit -= 1) < stages) {
    resnet.set_stage_culled(static_cast<int>(edit), !resnet.stage_culled(static_cast<int>(edit)));
  } else if ((edit -= stages) < blocks) {
    resnet.set_block_thinned(static_cast<int>(edit), !resnet.block_thinned(static_cast<int>(edit)));
  } else if ((edit -= blocks) < static_cast<std::int64_t>(other_scales.size())) {
    resnet.set_channel_scale(other_scales[edit]);
  } else {
    resnet.set_resolution_divisor(other_divisors[edit - other_scales.size()]);
  }
  return child;
}

std::string ResNetSpace::describe(const pb::Genotype& genotype) const {
  check(genotype);
  const auto& resnet = genotype.resnet();
  // "s" after the divisor: a strided stem; "p" after the thinning bits: post-add
  // ReLUs are thinned. Both absent for the defaults, so old strings keep their meaning.
  return fmt::format("{}-a{}-r{}{}-stem{}-cull{}-thin{}{}", kDepthNames[resnet.depth()], scale_of(resnet),
                     divisor_of(resnet), resnet.resolution_reduction() == pb::STRIDED_STEM ? "s" : "",
                     resnet.stem_relu_off() ? 0 : 1,
                     bits(resnet.stage_culled(), static_cast<int>(blocks_per_stage(resnet.depth()).size())),
                     bits(resnet.block_thinned(), total_blocks(resnet.depth())),
                     resnet.thinned_relu() == pb::POST_ADD_RELU ? "p" : "");
}

pb::Genotype ResNetSpace::parse(std::string_view description) const {
  const auto parts = detail::split(description, '-');
  if (parts.size() != 6 || !parts[1].starts_with('a') || !parts[2].starts_with('r') ||
      !parts[3].starts_with("stem") || !parts[4].starts_with("cull") || !parts[5].starts_with("thin")) {
    throw SpaceError(fmt::format(
        "resnet: '{}' is not of the form resnet<depth>-a<alpha>-r<divisor>[s]-stem<0|1>-cull<bits>-thin<bits>[p]", description));
  }
  const auto depth = std::find(kDepthNames.begin(), kDepthNames.end(), parts[0]);
  if (depth == kDepthNames.end()) {
    throw SpaceError(fmt::format("resnet: unknown depth '{}' (known: {})", parts[0], fmt::join(kDepthNames, ", ")));
  }
  pb::Genotype genotype;
  auto& resnet = *genotype.mutable_resnet();
  resnet.set_depth(static_cast<pb::ResNetDepth>(depth - kDepthNames.begin()));
  const std::string alpha(parts[1].substr(1));
  char* end = nullptr;
  const double scale = std::strtod(alpha.c_str(), &end);
  if (alpha.empty() || end != alpha.c_str() + alpha.size()) {
    throw SpaceError(fmt::format("resnet: alpha '{}' is not a number", alpha));
  }
  resnet.set_channel_scale(scale);
  std::string_view divisor = parts[2].substr(1);
  if (divisor.ends_with('s')) {
    resnet.set_resolution_reduction(pb::STRIDED_STEM);
    divisor.remove_suffix(1);
  }
  resnet.set_resolution_divisor(static_cast<int>(std::min<std::int64_t>(detail::parse_integer(divisor, "resnet: r"), kMaxDivisor + 1)));
  std::string_view thinning = parts[5].substr(4);
  if (thinning.ends_with('p')) {
    resnet.set_thinned_relu(pb::POST_ADD_RELU);
    thinning.remove_suffix(1);
  }
  const auto stem = parts[3].substr(4);
  if (stem != "0" && stem != "1") throw SpaceError(fmt::format("resnet: stem must be 0 or 1, is '{}'", stem));
  resnet.set_stem_relu_off(stem == "0");
  for (auto [text, add] : {std::pair{parts[4].substr(4), 0}, std::pair{thinning, 1}}) {
    for (char bit : text) {
      if (bit != '0' && bit != '1') throw SpaceError(fmt::format("resnet: '{}' is not a bit string", text));
      if (add == 0) resnet.add_stage_culled(bit == '1');
      else resnet.add_block_thinned(bit == '1');
    }
  }
  check(genotype);
  return genotype;
}

void ResNetSpace::emit(const pb::Genotype& genotype, Shape input, std::int64_t num_classes,
                       NetworkBuilder& builder) const {
  const auto& resnet = genotype.resnet();
  const double scale = scale_of(resnet);
  const int divisor = divisor_of(resnet);
  const auto widths = stage_widths(resnet.depth());
  const auto blocks = blocks_per_stage(resnet.depth());
  const bool strided_stem = resnet.resolution_reduction() == pb::STRIDED_STEM;
  Tensor x = builder.input(input);
  if (divisor > 1 && !strided_stem) x = builder.avg_pool(x, divisor, divisor, 0, "downscale");
  {
    auto scope = builder.scope("stem");
    x = builder.conv_bn(x, scaled(widths[0], scale), 3, strided_stem ? divisor : 1, 1);
    if (!resnet.stem_relu_off()) x = builder.relu(x);
  }
  int block_index = 0;
  for (std::size_t stage = 0; stage < blocks.size(); ++stage) {
    auto stage_scope = builder.scope("stage", static_cast<int>(stage) + 1);
    const bool culled = resnet.stage_culled_size() != 0 && resnet.stage_culled(static_cast<int>(stage));
    const std::int64_t width = scaled(widths[stage], scale);
    for (int b = 0; b < blocks[stage]; ++b, ++block_index) {
      auto scope = builder.scope("block", b);
      const bool thinned = resnet.block_thinned_size() != 0 && resnet.block_thinned(block_index);
      const bool thin_first = thinned && resnet.thinned_relu() == pb::FIRST_RELU;
      const bool thin_post_add = thinned && resnet.thinned_relu() == pb::POST_ADD_RELU;
      const int stride = stage > 0 && b == 0 ? 2 : 1;
      Tensor y = builder.conv_bn(x, width, 3, stride, 1, 1, "conv1");
      if (!culled && !thin_first) y = builder.relu(y, "relu1");
      y = builder.conv_bn(y, width, 3, 1, 1, 1, "conv2");
      Tensor shortcut = x;
      if (stride != 1 || x.shape.channels != width) {
        shortcut = builder.conv_bn(x, width, 1, stride, 0, 1, "shortcut");
      }
      const std::array<Tensor, 2> terms{y, shortcut};
      x = builder.add(terms);
      if (!culled && !thin_post_add) x = builder.relu(x, "relu2");
    }
  }
  detail::classifier_head(builder, x, num_classes);
}

}  // namespace pinas::spaces
