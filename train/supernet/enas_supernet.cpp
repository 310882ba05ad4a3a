#include "train/supernet/enas_supernet.h"

#include <fmt/format.h>

#include <map>

#include "proto/error.h"
#include "train/detail/convolution_layers.h"

namespace pinas::train::supernet {
namespace {

using train::detail::ConvolutionGeometry;
using train::detail::ConvolutionLayerImpl;
using train::detail::LinearLayerImpl;

constexpr int kMaxLayers = 64;

void check_options(const EnasSupernetOptions& options) {
  if (options.layers < 1 || options.layers > kMaxLayers)
    throw Error(
        fmt::format("supernet: layers must be in 1..{}, is {}", kMaxLayers, options.layers));
  if (options.channels < 2)
    throw Error(fmt::format("supernet: channels must be at least 2, is {}", options.channels));
  if (options.input_channels < 1 || options.input_height < 1 || options.input_width < 1 ||
      options.num_classes < 2)
    throw Error("supernet: the input shape must be positive and there must be at least 2 classes");
}

std::shared_ptr<ConvolutionLayerImpl> pointwise(int64_t in, int64_t out,
                                                torch::Generator& generator) {
  return std::make_shared<ConvolutionLayerImpl>(ConvolutionGeometry{in, out, 1, 1, 0, 1, 1, false},
                                                generator);
}

}  // namespace

bool EnasSupernetImpl::pools_before(int layer, int layers) {
  return layer > 0 && (layer == layers / 3 || layer == 2 * layers / 3);
}

EnasSupernetImpl::EnasSupernetImpl(const EnasSupernetOptions& options, uint64_t seed)
    : options_(options) {
  check_options(options_);
  auto generator = at::detail::createCPUGenerator(seed);
  const int64_t channels = options_.channels;
  const bool paper = options_.op_style == detail::EnasOpStyle::kPaper;
  stem_ = register_module(
      "stem",
      std::make_shared<ConvolutionLayerImpl>(
          ConvolutionGeometry{options_.input_channels, channels, 3, 1, 1, 1, 1, false}, generator));
  stem_norm_ = register_module("stem_bn", detail::batch_statistics_norm(channels));
  for (int i = 0; i < options_.layers; ++i) {
    if (pools_before(i, options_.layers)) {
      const std::string prefix = "pool" + std::to_string(reductions_.size() + pool_convs_.size());
      if (paper) {
        std::vector<detail::FactorizedReduction> reductions;
        for (int j = 0; j < i; ++j)
          reductions.push_back(register_module(prefix + "_from" + std::to_string(j),
                                               detail::FactorizedReduction(channels, generator)));
        reductions_.push_back(std::move(reductions));
      } else {
        pool_convs_.push_back(register_module(prefix, pointwise(channels, channels, generator)));
        pool_norms_.push_back(
            register_module(prefix + "_bn", detail::batch_statistics_norm(channels)));
      }
    }
    Layer layer;
    const std::string prefix = "layer" + std::to_string(i) + "_";
    for (int op = 0; op < detail::kEnasBranchCount; ++op)
      layer.branches.push_back(
          register_module(prefix + "branch" + std::to_string(op),
                          detail::EnasBranch(op, channels, options_.op_style, generator)));
    if (!paper && i > 0)
      layer.merge =
          register_module(prefix + "merge", pointwise((1 + i) * channels, channels, generator));
    if (paper || i > 0)
      layer.norm = register_module(prefix + "bn", detail::batch_statistics_norm(channels));
    layers_.push_back(std::move(layer));
  }
  classifier_ = register_module("classifier", std::make_shared<LinearLayerImpl>(
                                                  channels, options_.num_classes, true, generator));
}

void EnasSupernetImpl::check_architecture(const pb::CryptoNasGenotype& architecture) const {
  if (architecture.layers_size() != options_.layers)
    throw Error(fmt::format("supernet: the architecture has {} layers, the supernet {}",
                            architecture.layers_size(), options_.layers));
  for (int i = 0; i < architecture.layers_size(); ++i) {
    const auto& layer = architecture.layers(i);
    if (layer.op() < 0 || layer.op() >= detail::kEnasBranchCount)
      throw Error(
          fmt::format("supernet: layers[{}].op: unknown op {}", i, static_cast<int>(layer.op())));
    int previous = -1;
    for (int skip : layer.skips()) {
      if (skip <= previous || skip >= i)
        throw Error(fmt::format(
            "supernet: layers[{}].skips: must be strictly increasing earlier layers, got {}", i,
            skip));
      previous = skip;
    }
  }
}

torch::Tensor EnasSupernetImpl::forward(const torch::Tensor& input,
                                        const pb::CryptoNasGenotype& architecture) {
  if (input.dim() != 4 || input.size(1) != options_.input_channels ||
      input.size(2) != options_.input_height || input.size(3) != options_.input_width)
    throw Error(fmt::format("supernet: expected N x {} x {} x {} input, got {}",
                            options_.input_channels, options_.input_height, options_.input_width,
                            fmt::join(input.sizes(), " x ")));
  check_architecture(architecture);
  const bool paper = options_.op_style == detail::EnasOpStyle::kPaper;
  torch::Tensor x = stem_norm_(static_cast<ConvolutionLayerImpl&>(*stem_).forward(input));
  std::vector<torch::Tensor> outputs;
  std::vector<int> levels;
  // Earlier outputs brought to a coarser level, computed once per forward.
  std::map<std::pair<int, int>, torch::Tensor> resized;
  auto at_level = [&](int j, int level) {
    torch::Tensor value = outputs[j];
    for (int l = levels[j]; l < level; ++l) {
      auto found = resized.find({j, l + 1});
      if (found == resized.end()) {
        torch::Tensor next = paper ? reductions_[l][j]->forward(value)
                                   : torch::avg_pool2d(value, 2, 2, 0, false, true);
        found = resized.emplace(std::pair{j, l + 1}, next).first;
      }
      value = found->second;
    }
    return value;
  };
  int level = 0;
  for (int i = 0; i < options_.layers; ++i) {
    if (pools_before(i, options_.layers)) {
      if (paper) {
        x = at_level(i - 1, level + 1);
      } else {
        x = pool_norms_[level](static_cast<ConvolutionLayerImpl&>(*pool_convs_[level])
                                   .forward(torch::avg_pool2d(x, 2, 2, 0, false, true)));
      }
      ++level;
    }
    const auto& choice = architecture.layers(i);
    Layer& layer = layers_[i];
    torch::Tensor y = layer.branches[choice.op()]->forward(x);
    if (paper) {
      for (int skip : choice.skips()) y = y + at_level(skip, level);
      y = layer.norm(y);
    } else if (choice.skips_size() > 0) {
      // The merge weight's input columns: C for the branch, then C per earlier
      // layer; a subset of skips uses the columns of its layers only.
      const int64_t channels = options_.channels;
      const torch::Tensor weight = layer.merge->named_parameters()["weight"];
      std::vector<torch::Tensor> parts{y}, columns{weight.slice(1, 0, channels)};
      for (int skip : choice.skips()) {
        parts.push_back(at_level(skip, level));
        columns.push_back(weight.slice(1, (1 + skip) * channels, (2 + skip) * channels));
      }
      y = layer.norm(torch::conv2d(torch::cat(parts, 1), torch::cat(columns, 1)));
    }
    outputs.push_back(y);
    levels.push_back(level);
    x = y;
  }
  return static_cast<LinearLayerImpl&>(*classifier_)
      .forward(x.mean({2, 3}, /*keepdim=*/true))
      .flatten(1);
}

}  // namespace pinas::train::supernet
