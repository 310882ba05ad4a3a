#pragma once

#include <torch/torch.h>

#include <cstdint>

// The IR's two convolutions as LibTorch modules whose parameter names are the
// model file's tensor roles (proto/model.proto), so export needs no renaming.
namespace pinas::train::detail {

struct ConvolutionGeometry {
  int64_t in_channels = 0;
  int64_t out_channels = 0;
  int64_t kernel = 1;
  int64_t stride = 1;
  int64_t padding = 0;
  int64_t dilation = 1;
  int64_t groups = 1;
  bool bias = false;
};

// CONV: parameters "weight" [out, in/groups, k, k] and, with bias, "bias" [out].
// Initialized like torch.nn.Conv2d (uniform, bound 1/sqrt(fan_in)) from `generator`.
class ConvolutionLayerImpl : public torch::nn::Module {
 public:
  ConvolutionLayerImpl(const ConvolutionGeometry& geometry, torch::Generator& generator);
  torch::Tensor forward(const torch::Tensor& input);

 private:
  ConvolutionGeometry geometry_;
  torch::Tensor weight_;
  torch::Tensor bias_;
};
TORCH_MODULE(ConvolutionLayer);

// SEPARABLE_CONV: "depthwise_weight" [in, 1, k, k] (groups = in, no bias), then
// "pointwise_weight" [out, in, 1, 1] and, with bias, "bias" [out].
class SeparableConvolutionLayerImpl : public torch::nn::Module {
 public:
  SeparableConvolutionLayerImpl(const ConvolutionGeometry& geometry, torch::Generator& generator);
  torch::Tensor forward(const torch::Tensor& input);

 private:
  ConvolutionGeometry geometry_;
  torch::Tensor depthwise_weight_;
  torch::Tensor pointwise_weight_;
  torch::Tensor bias_;
};
TORCH_MODULE(SeparableConvolutionLayer);

// LINEAR on a flattened input: "weight" [out, in], "bias" [out] if any.
// Takes N×C×H×W and returns N×out×1×1 (the IR keeps every tensor 3-D per example).
class LinearLayerImpl : public torch::nn::Module {
 public:
  LinearLayerImpl(int64_t in_features, int64_t out_features, bool bias, torch::Generator& generator);
  torch::Tensor forward(const torch::Tensor& input);

 private:
  torch::Tensor weight_;
  torch::Tensor bias_;
};
TORCH_MODULE(LinearLayer);

}  // namespace pinas::train::detail
