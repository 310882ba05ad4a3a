#include "train/supernet/detail/enas_operations.h"

#include "proto/error.h"
#include "train/detail/convolution_layers.h"

namespace pinas::train::supernet::detail {
namespace {

using train::detail::ConvolutionGeometry;
using train::detail::ConvolutionLayerImpl;
using train::detail::SeparableConvolutionLayerImpl;

// pb::CryptoNasOp order.
enum Op { kConv3 = 0, kConv5 = 1, kSepConv3 = 2, kSepConv5 = 3, kAvgPool = 4, kMaxPool = 5 };

std::shared_ptr<ConvolutionLayerImpl> convolution(int64_t in, int64_t out, int kernel, int stride,
                                                  torch::Generator& generator) {
  return std::make_shared<ConvolutionLayerImpl>(
      ConvolutionGeometry{in, out, kernel, stride, kernel / 2, 1, /*groups=*/1, /*bias=*/false},
      generator);
}

torch::Tensor run(const std::shared_ptr<torch::nn::Module>& layer, const torch::Tensor& input) {
  if (auto* dense = dynamic_cast<ConvolutionLayerImpl*>(layer.get())) return dense->forward(input);
  return static_cast<SeparableConvolutionLayerImpl&>(*layer).forward(input);
}

}  // namespace

SynchronizedBatchNorm2d batch_statistics_norm(int64_t channels) {
  return SynchronizedBatchNorm2d(
      torch::nn::BatchNorm2dOptions(channels).track_running_stats(false));
}

EnasBranchImpl::EnasBranchImpl(int op, int64_t channels, EnasOpStyle style,
                               torch::Generator& generator)
    : op_(op), style_(style) {
  if (op < 0 || op >= kEnasBranchCount)
    throw Error("supernet: no ENAS branch with index " + std::to_string(op));
  if (style == EnasOpStyle::kPaper) {
    projection_ = register_module("projection", convolution(channels, channels, 1, 1, generator));
    projection_norm_ = register_module("projection_bn", batch_statistics_norm(channels));
  }
  if (op == kAvgPool || op == kMaxPool) return;
  const int kernel = op == kConv3 || op == kSepConv3 ? 3 : 5;
  if (op == kSepConv3 || op == kSepConv5) {
    convolution_ = register_module(
        "conv", std::make_shared<SeparableConvolutionLayerImpl>(
                    ConvolutionGeometry{channels, channels, kernel, 1, kernel / 2, 1, 1, false},
                    generator));
  } else {
    convolution_ = register_module("conv", convolution(channels, channels, kernel, 1, generator));
  }
  norm_ = register_module("bn", batch_statistics_norm(channels));
}

torch::Tensor EnasBranchImpl::forward(const torch::Tensor& input) {
  torch::Tensor x;
  if (style_ == EnasOpStyle::kPaper) {
    x = torch::relu(projection_norm_(run(projection_, input)));
  } else {
    x = torch::relu(input);  // the layer's one ReLU, before its op (ReLU shuffling)
  }
  // The IR network's average pool counts the padding (train/network.cpp);
  // TensorFlow's SAME pooling in ENAS does not.
  if (op_ == kAvgPool)
    return torch::avg_pool2d(x, 3, 1, 1, false,
                             /*count_include_pad=*/style_ == EnasOpStyle::kSpace);
  if (op_ == kMaxPool) return torch::max_pool2d(x, 3, 1, 1);
  x = norm_(run(convolution_, x));
  return style_ == EnasOpStyle::kPaper ? torch::relu(x) : x;
}

FactorizedReductionImpl::FactorizedReductionImpl(int64_t channels, torch::Generator& generator) {
  first_ = register_module("conv0", convolution(channels, channels / 2, 1, 2, generator));
  second_ =
      register_module("conv1", convolution(channels, channels - channels / 2, 1, 2, generator));
  norm_ = register_module("bn", batch_statistics_norm(channels));
}

torch::Tensor FactorizedReductionImpl::forward(const torch::Tensor& input) {
  const int64_t height = input.size(2), width = input.size(3);
  // The second path sees the pixels one to the right and one down, so the two
  // halves together read every pixel of each 2x2 block's diagonal.
  auto shifted =
      torch::constant_pad_nd(input, {0, 1, 0, 1}).slice(2, 1, height + 1).slice(3, 1, width + 1);
  return norm_(torch::cat({run(first_, input), run(second_, shifted)}, 1));
}

}  // namespace pinas::train::supernet::detail
