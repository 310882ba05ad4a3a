#include "train/supernet/detail/darts_operations.h"

#include "proto/error.h"
#include "train/detail/convolution_layers.h"

namespace pinas::train::supernet::detail {
namespace {

using train::detail::ConvolutionGeometry;
using train::detail::ConvolutionLayerImpl;

SynchronizedBatchNorm2d batch_norm(int64_t channels, bool affine) {
  return SynchronizedBatchNorm2d(torch::nn::BatchNorm2dOptions(channels).affine(affine));
}

std::shared_ptr<ConvolutionLayerImpl> convolution(int64_t in, int64_t out, int kernel, int stride,
                                                  int padding, int dilation,
                                                  torch::Generator& generator) {
  return std::make_shared<ConvolutionLayerImpl>(
      ConvolutionGeometry{in, out, kernel, stride, padding, dilation, /*groups=*/1, /*bias=*/false},
      generator);
}

torch::Tensor run_convolution(const std::shared_ptr<torch::nn::Module>& layer,
                              const torch::Tensor& input) {
  return static_cast<ConvolutionLayerImpl&>(*layer).forward(input);
}

// pb::SphynxOp order shifted by one (0 is none).
enum Op {
  kNone = 0,
  kAvgPool = 1,
  kSkip = 2,
  kConv3 = 3,
  kConv5 = 4,
  kDilConv3 = 5,
  kDilConv5 = 6
};

}  // namespace

CandidateOperationImpl::CandidateOperationImpl(int op, int64_t channels, int stride, OpStyle style,
                                               torch::Generator& generator)
    : op_(op), stride_(stride), style_(style) {
  if (op < 1 || op >= kMixedOpCount)
    throw Error("supernet: no candidate op with index " + std::to_string(op));
  auto add_convolution = [&](int kernel, int op_stride, int padding, int dilation) {
    convolutions_.push_back(
        convolution(channels, channels, kernel, op_stride, padding, dilation, generator));
    register_module("conv" + std::to_string(convolutions_.size() - 1), convolutions_.back());
    norms_.push_back(batch_norm(channels, /*affine=*/false));
    register_module("bn" + std::to_string(norms_.size() - 1), norms_.back());
  };
  const int repeats = style == OpStyle::kPaper ? 2 : 1;
  switch (op) {
    case kAvgPool:
      if (style == OpStyle::kPaper) {
        norms_.push_back(batch_norm(channels, false));
        register_module("bn0", norms_.back());
      }
      break;
    case kSkip:
      if (stride != 1) {
        if (style == OpStyle::kPaper) {
          for (int half = 0; half < 2; ++half) {
            const int64_t out = half == 0 ? channels / 2 : channels - channels / 2;
            convolutions_.push_back(convolution(channels, out, 1, 2, 0, 1, generator));
            register_module("conv" + std::to_string(half), convolutions_.back());
          }
          norms_.push_back(batch_norm(channels, false));
          register_module("bn0", norms_.back());
        } else {
          add_convolution(1, stride, 0, 1);
        }
      }
      break;
    case kConv3:
    case kConv5: {
      const int kernel = op == kConv3 ? 3 : 5;
      for (int r = 0; r < repeats; ++r) add_convolution(kernel, r == 0 ? stride : 1, kernel / 2, 1);
      break;
    }
    default: {
      const int kernel = op == kDilConv3 ? 3 : 5;
      add_convolution(kernel, stride, 2 * (kernel / 2), 2);
      break;
    }
  }
}

torch::Tensor CandidateOperationImpl::forward(const torch::Tensor& input) {
  switch (op_) {
    case kAvgPool: {
      auto pooled =
          torch::avg_pool2d(input, 3, stride_, 1, /*ceil_mode=*/false, /*count_include_pad=*/true);
      return norms_.empty() ? pooled : norms_[0]->forward(pooled);
    }
    case kSkip:
      if (stride_ == 1) return input;
      if (style_ == OpStyle::kPaper) {
        using torch::indexing::None;
        using torch::indexing::Slice;
        // The shifted path is padded back to the input's size so odd sizes
        // give the same output size as the unshifted path.
        auto shifted = torch::constant_pad_nd(
            input.index({Slice(), Slice(), Slice(1, None), Slice(1, None)}), {0, 1, 0, 1});
        auto both = torch::cat(
            {run_convolution(convolutions_[0], input), run_convolution(convolutions_[1], shifted)},
            1);
        return norms_[0]->forward(both);
      }
      return norms_[0]->forward(run_convolution(convolutions_[0], input));
    default: {
      auto x = input;
      for (size_t i = 0; i < convolutions_.size(); ++i)
        x = norms_[i]->forward(run_convolution(convolutions_[i], x));
      return x;
    }
  }
}

ChannelProjectionImpl::ChannelProjectionImpl(int64_t channels_in, int64_t channels_out, int stride,
                                             OpStyle style, bool affine,
                                             torch::Generator& generator)
    : stride_(stride), factorized_(stride != 1 && style == OpStyle::kPaper) {
  if (factorized_) {
    for (int half = 0; half < 2; ++half) {
      const int64_t out = half == 0 ? channels_out / 2 : channels_out - channels_out / 2;
      convolutions_.push_back(convolution(channels_in, out, 1, 2, 0, 1, generator));
      register_module("conv" + std::to_string(half), convolutions_.back());
    }
  } else {
    convolutions_.push_back(convolution(channels_in, channels_out, 1, stride, 0, 1, generator));
    register_module("conv0", convolutions_.back());
  }
  norm_ = register_module("bn", batch_norm(channels_out, affine));
}

torch::Tensor ChannelProjectionImpl::forward(const torch::Tensor& input) {
  if (!factorized_) return norm_->forward(run_convolution(convolutions_[0], input));
  using torch::indexing::None;
  using torch::indexing::Slice;
  auto shifted = torch::constant_pad_nd(
      input.index({Slice(), Slice(), Slice(1, None), Slice(1, None)}), {0, 1, 0, 1});
  return norm_->forward(torch::cat(
      {run_convolution(convolutions_[0], input), run_convolution(convolutions_[1], shifted)}, 1));
}

MixedOperationImpl::MixedOperationImpl(int64_t channels, int stride, OpStyle style,
                                       torch::Generator& generator) {
  for (int op = 1; op < kMixedOpCount; ++op) {
    operations_.push_back(CandidateOperation(op, channels, stride, style, generator));
    register_module("op" + std::to_string(op), operations_.back());
  }
}

torch::Tensor MixedOperationImpl::forward(const torch::Tensor& input,
                                          const torch::Tensor& weights) {
  // "none" is zero: its term vanishes, and its alpha still competes through
  // the softmax that produced `weights`.
  torch::Tensor sum;
  for (size_t k = 0; k < operations_.size(); ++k) {
    auto term = weights[static_cast<int64_t>(k) + 1] * operations_[k]->forward(input);
    sum = sum.defined() ? sum + term : term;
  }
  return sum;
}

}  // namespace pinas::train::supernet::detail
