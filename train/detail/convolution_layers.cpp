#include "train/detail/convolution_layers.h"

#include <cmath>

namespace pinas::train::detail {
namespace {

// torch.nn's default: kaiming_uniform(a = sqrt(5)) for weights, which is a
// uniform bound of 1/sqrt(fan_in), and the same bound for biases.
torch::Tensor uniform_parameter(torch::IntArrayRef shape, int64_t fan_in, torch::Generator& generator) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(std::max<int64_t>(fan_in, 1)));
  torch::NoGradGuard no_grad;
  return torch::empty(shape).uniform_(-bound, bound, generator);
}

}  // namespace

ConvolutionLayerImpl::ConvolutionLayerImpl(const ConvolutionGeometry& geometry, torch::Generator& generator)
    : geometry_(geometry) {
  const int64_t in_per_group = geometry.in_channels / geometry.groups;
  const int64_t fan_in = in_per_group * geometry.kernel * geometry.kernel;
  weight_ = register_parameter(
      "weight", uniform_parameter({geometry.out_channels, in_per_group, geometry.kernel, geometry.kernel},
                                  fan_in, generator));
  if (geometry.bias) bias_ = register_parameter("bias", uniform_parameter({geometry.out_channels}, fan_in, generator));
}

torch::Tensor ConvolutionLayerImpl::forward(const torch::Tensor& input) {
  return torch::conv2d(input, weight_, bias_, geometry_.stride, geometry_.padding, geometry_.dilation,
                       geometry_.groups);
}

SeparableConvolutionLayerImpl::SeparableConvolutionLayerImpl(const ConvolutionGeometry& geometry,
                                                             torch::Generator& generator)
    : geometry_(geometry) {
  const int64_t k = geometry.kernel;
  depthwise_weight_ = register_parameter(
      "depthwise_weight", uniform_parameter({geometry.in_channels, 1, k, k}, k * k, generator));
  pointwise_weight_ = register_parameter(
      "pointwise_weight",
      uniform_parameter({geometry.out_channels, geometry.in_channels, 1, 1}, geometry.in_channels, generator));
  if (geometry.bias) {
    bias_ = register_parameter("bias", uniform_parameter({geometry.out_channels}, geometry.in_channels, generator));
  }
}

torch::Tensor SeparableConvolutionLayerImpl::forward(const torch::Tensor& input) {
  auto depthwise = torch::conv2d(input, depthwise_weight_, {}, geometry_.stride, geometry_.padding,
                                 geometry_.dilation, geometry_.in_channels);
  return torch::conv2d(depthwise, pointwise_weight_, bias_);
}

LinearLayerImpl::LinearLayerImpl(int64_t in_features, int64_t out_features, bool bias, torch::Generator& generator) {
  weight_ = register_parameter("weight", uniform_parameter({out_features, in_features}, in_features, generator));
  if (bias) bias_ = register_parameter("bias", uniform_parameter({out_features}, in_features, generator));
}

torch::Tensor LinearLayerImpl::forward(const torch::Tensor& input) {
  auto output = torch::nn::functional::linear(input.flatten(1), weight_, bias_);
  return output.view({output.size(0), output.size(1), 1, 1});
}

}  // namespace pinas::train::detail
