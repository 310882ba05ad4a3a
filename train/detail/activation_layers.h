#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

// The IR's activations as LibTorch modules, with the model file's role names.
namespace pinas::train::detail {

// RELU is MixedActivationLayer (mixed_activation_layer.h).

// POLYNOMIAL: sum_i coefficients[i] * x^i (Horner's rule), with the
// coefficients a trainable parameter "coefficients" [degree + 1] initialized
// from the IR.
class PolynomialLayerImpl : public torch::nn::Module {
 public:
  explicit PolynomialLayerImpl(const std::vector<double>& coefficients);
  torch::Tensor forward(const torch::Tensor& input);

 private:
  torch::Tensor coefficients_;
};
TORCH_MODULE(PolynomialLayer);

}  // namespace pinas::train::detail
