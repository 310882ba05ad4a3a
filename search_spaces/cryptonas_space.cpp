#include "search_spaces/cryptonas_space.h"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <map>

#include "search_spaces/detail/network_builder.h"
#include "search_spaces/detail/space_helpers.h"

namespace pinas::spaces {
namespace {

constexpr std::array<int, 3> kLayerChoices{6, 9, 12};
constexpr std::array<std::int64_t, 6> kChannelChoices{8, 12, 16, 20, 24, 32};
constexpr int kNumOps = 6;
constexpr std::array<std::string_view, kNumOps> kOpNames{
    "conv3x3", "conv5x5", "sep_conv3x3", "sep_conv5x5", "avg_pool3x3", "max_pool3x3"};
constexpr int kMaxLayers = 64;
constexpr std::int64_t kMaxChannels = 65536;

// Layer indices that are preceded by a pooling layer.
bool pools_before(int layer, int num_layers) {
  if (layer == 0) return false;
  return layer == num_layers / 3 || layer == 2 * num_layers / 3;
}

int skip_count(int layers) { return layers * (layers - 1) / 2; }

}  // namespace

std::string CryptoNasSpace::summary() const {
  return "ENAS macro space with CryptoNAS ReLU shuffling, pruning and balancing; "
         "L in {6,9,12}, C in {8..32}, 6 ops per layer, skip subsets";
}

SpaceSize CryptoNasSpace::size() const {
  double total = 0;
  for (int layers : kLayerChoices) {
    total += static_cast<double>(kChannelChoices.size()) * std::pow(kNumOps, layers) *
             std::pow(2.0, skip_count(layers));
  }
  return {total, std::nullopt};
}

pb::Genotype CryptoNasSpace::plain(int num_layers, std::int64_t channels, pb::CryptoNasOp op) {
  pb::Genotype genotype;
  auto& cryptonas = *genotype.mutable_cryptonas();
  cryptonas.set_num_layers(num_layers);
  cryptonas.set_channels(channels);
  for (int i = 0; i < num_layers; ++i) cryptonas.add_layers()->set_op(op);
  return genotype;
}

pb::Genotype CryptoNasSpace::sample(std::mt19937_64& random) const {
  pb::Genotype genotype;
  auto& cryptonas = *genotype.mutable_cryptonas();
  const int layers = kLayerChoices[detail::uniform(random, 0, kLayerChoices.size() - 1)];
  cryptonas.set_num_layers(layers);
  cryptonas.set_channels(kChannelChoices[detail::uniform(random, 0, kChannelChoices.size() - 1)]);
  for (int i = 0; i < layers; ++i) {
    auto& layer = *cryptonas.add_layers();
    layer.set_op(static_cast<pb::CryptoNasOp>(detail::uniform(random, 0, kNumOps - 1)));
    for (int j = 0; j < i; ++j) {
      if (detail::coin(random)) layer.add_skips(j);
    }
  }
  return genotype;
}

void CryptoNasSpace::check(const pb::Genotype& genotype) const {
  if (!genotype.has_cryptonas()) {
    throw SpaceError("cryptonas: the genotype has no 'cryptonas' field");
  }
  const auto& cryptonas = genotype.cryptonas();
  if (cryptonas.num_layers() < 1 || cryptonas.num_layers() > kMaxLayers) {
    throw SpaceError(fmt::format("cryptonas: num_layers must be in [1, {}], is {}", kMaxLayers,
                                 cryptonas.num_layers()));
  }
  if (cryptonas.layers_size() != cryptonas.num_layers()) {
    throw SpaceError(fmt::format("cryptonas: num_layers is {} but 'layers' has {} entries",
                                 cryptonas.num_layers(), cryptonas.layers_size()));
  }
  if (cryptonas.channels() < 1 || cryptonas.channels() > kMaxChannels) {
    throw SpaceError(fmt::format("cryptonas: channels must be in [1, {}], is {}", kMaxChannels,
                                 cryptonas.channels()));
  }
  for (int i = 0; i < cryptonas.layers_size(); ++i) {
    const auto& layer = cryptonas.layers(i);
    if (!pb::CryptoNasOp_IsValid(layer.op())) {
      throw SpaceError(fmt::format("cryptonas: layers[{}].op: unknown op {}", i,
                                   static_cast<int>(layer.op())));
    }
    int previous = -1;
    for (int skip : layer.skips()) {
      if (skip <= previous || skip >= i) {
        throw SpaceError(fmt::format(
            "cryptonas: layers[{}].skips: must be strictly increasing earlier layers, got {}", i, skip));
      }
      previous = skip;
    }
  }
}

pb::Genotype CryptoNasSpace::mutate(const pb::Genotype& genotype, std::mt19937_64& random) const {
  check(genotype);
  pb::Genotype child = genotype;
  auto& cryptonas = *child.mutable_cryptonas();
  const int layers = cryptonas.num_layers();
  const std::int64_t channels = cryptonas.channels();
  std::vector<std::int64_t> other_channels;
  for (std::int64_t choice : kChannelChoices) {
    if (choice != channels) other_channels.push_back(choice);
  }
  // Uniform over every single edit: an op change, a skip flip, a channel change.
  const std::int64_t op_edits = static_cast<std::int64_t>(layers) * (kNumOps - 1);
  const std::int64_t skip_edits = skip_count(layers);
  const std::int64_t total = op_edits + skip_edits + static_cast<std::int64_t>(other_channels.size());
  std::int64_t edit = detail::uniform(random, 0, total - 1);
  if (edit < op_edits) {
    auto& layer = *cryptonas.mutable_layers(static_cast<int>(edit / (kNumOps - 1)));
    const int offset = static_cast<int>(edit % (kNumOps - 1)) + 1;
    layer.set_op(static_cast<pb::CryptoNasOp>((layer.op() + offset) % kNumOps));
    return child;
  }
  edit -= op_edits;
  if (edit < skip_edits) {
    int layer_index = 1;
    while (edit >= layer_index) edit -= layer_index++;
    const int skip = static_cast<int>(edit);
    auto& layer = *cryptonas.mutable_layers(layer_index);
    std::vector<int> skips(layer.skips().begin(), layer.skips().end());
    const auto found = std::find(skips.begin(), skips.end(), skip);
    if (found != skips.end()) {
      skips.erase(found);
    } else {
      skips.insert(std::lower_bound(skips.begin(), skips.end(), skip), skip);
    }
    layer.clear_skips();
    for (int value : skips) layer.add_skips(value);
    return child;
  }
  edit -= skip_edits;
  cryptonas.set_channels(other_channels[edit]);
  return child;
}

std::string CryptoNasSpace::describe(const pb::Genotype& genotype) const {
  check(genotype);
  const auto& cryptonas = genotype.cryptonas();
  std::string text = fmt::format("L{}-C{}:", cryptonas.num_layers(), cryptonas.channels());
  for (int i = 0; i < cryptonas.layers_size(); ++i) {
    if (i > 0) text += '|';
    text += kOpNames[cryptonas.layers(i).op()];
    for (int skip : cryptonas.layers(i).skips()) text += fmt::format("+{}", skip);
  }
  return text;
}

pb::Genotype CryptoNasSpace::parse(std::string_view description) const {
  const auto halves = detail::split(description, ':');
  if (halves.size() != 2) {
    throw SpaceError(fmt::format("cryptonas: '{}' is not of the form L<n>-C<n>:<layers>", description));
  }
  const auto header = detail::split(halves[0], '-');
  if (header.size() != 2 || !header[0].starts_with('L') || !header[1].starts_with('C')) {
    throw SpaceError(fmt::format("cryptonas: bad header '{}', expected L<n>-C<n>", halves[0]));
  }
  pb::Genotype genotype;
  auto& cryptonas = *genotype.mutable_cryptonas();
  cryptonas.set_num_layers(static_cast<int>(
      std::min<std::int64_t>(detail::parse_integer(header[0].substr(1), "cryptonas: L"), kMaxLayers + 1)));
  cryptonas.set_channels(detail::parse_integer(header[1].substr(1), "cryptonas: C"));
  for (std::string_view text : detail::split(halves[1], '|')) {
    const auto parts = detail::split(text, '+');
    auto& layer = *cryptonas.add_layers();
    const auto op = std::find(kOpNames.begin(), kOpNames.end(), parts[0]);
    if (op == kOpNames.end()) {
      throw SpaceError(fmt::format("cryptonas: unknown op '{}' (known: {})", parts[0],
                                   fmt::join(kOpNames, ", ")));
    }
    layer.set_op(static_cast<pb::CryptoNasOp>(op - kOpNames.begin()));
    for (std::size_t k = 1; k < parts.size(); ++k) {
      layer.add_skips(static_cast<int>(
          std::min<std::int64_t>(detail::parse_integer(parts[k], "cryptonas: skip"), kMaxLayers)));
    }
  }
  check(genotype);
  return genotype;
}

void CryptoNasSpace::emit(const pb::Genotype& genotype, Shape input, std::int64_t num_classes,
                          detail::NetworkBuilder& builder) const {
  using detail::Tensor;
  const auto& cryptonas = genotype.cryptonas();
  const int layers = cryptonas.num_layers();
  std::int64_t channels = cryptonas.channels();
  Tensor x = builder.input(input);
  {
    auto scope = builder.scope("stem");
    x = builder.conv_bn(x, channels, 3, 1, 1);
  }
  // outputs[j] at pooling level levels[j]; pooled views memoized by (j, level).
  std::vector<Tensor> outputs;
  std::vector<int> levels;
  std::map<std::pair<int, int>, Tensor> pooled;
  int level = 0;
  std::vector<Tensor> parts;
  for (int i = 0; i < layers; ++i) {
    if (pools_before(i, layers)) {
      auto scope = builder.scope("pool", level);
      x = builder.avg_pool(x, 2, 2, 0);
      channels *= 4;
      x = builder.conv_bn(x, channels, 1, 1, 0);
      ++level;
    }
    auto scope = builder.scope("layer", i);
    const auto& layer = cryptonas.layers(i);
    Tensor activated = builder.relu(x);
    Tensor y;
    switch (layer.op()) {
      case pb::CRYPTONAS_CONV_3X3: y = builder.conv_bn(activated, channels, 3, 1, 1); break;
      case pb::CRYPTONAS_CONV_5X5: y = builder.conv_bn(activated, channels, 5, 1, 2); break;
      case pb::CRYPTONAS_SEP_CONV_3X3:
        y = builder.batch_norm(builder.separable_conv(activated, channels, 3, 1, 1));
        break;
      case pb::CRYPTONAS_SEP_CONV_5X5:
        y = builder.batch_norm(builder.separable_conv(activated, channels, 5, 1, 2));
        break;
      case pb::CRYPTONAS_AVG_POOL_3X3: y = builder.avg_pool(activated, 3, 1, 1); break;
      default: y = builder.max_pool(activated, 3, 1, 1); break;
    }
    if (layer.skips_size() > 0) {
      parts.assign(1, y);
      for (int skip : layer.skips()) {
        const int gap = level - levels[skip];
        if (gap == 0) {
          parts.push_back(outputs[skip]);
          continue;
        }
        auto found = pooled.find({skip, level});
        if (found == pooled.end()) {
          auto pool_scope = builder.scope("from", skip);
          const int factor = 1 << gap;
          found = pooled.emplace(std::pair{skip, level},
                                 builder.avg_pool(outputs[skip], factor, factor, 0)).first;
        }
        parts.push_back(found->second);
      }
      Tensor merged = builder.concat(parts);
      y = builder.conv_bn(merged, channels, 1, 1, 0, 1, "merge");
    }
    outputs.push_back(y);
    levels.push_back(level);
    x = y;
  }
  detail::classifier_head(builder, x, num_classes);
}

}  // namespace pinas::spaces
