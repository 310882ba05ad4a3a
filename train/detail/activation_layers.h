#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

// The IR's activations as LibTorch modules, with the model file's role names.
namespace pinas::train::detail {

// RELU with an optional per-element mask (buffer "mask", C×H×W, 1 = ReLU,
// 0 = identity): y = x - mask * min(x, 0). It counts the ReLUs it executes, so
// tests can compare the network's real ReLU count with the IR's.
class MaskedReLULayerImpl : public torch::nn::Module {
 public:
  MaskedReLULayerImpl() = default;
  torch::Tensor forward(const torch::Tensor& input);

  // Installs a mask (C×H×W of 0/1, any dtype) or, with an undefined tensor,
  // removes it. Throws pinas::Error when a value is neither 0 nor 1.
  void set_mask(const torch::Tensor& mask);
  // The mask, or an undefined tensor when every element is a ReLU.
  torch::Tensor mask() const { return mask_; }
  // ReLUs per example executed by the last forward call (0 before any).
  int64_t last_relus_per_example() const { return last_relus_per_example_; }

 private:
  torch::Tensor mask_;
  int64_t mask_ones_ = 0;
  int64_t last_relus_per_example_ = 0;
};
TORCH_MODULE(MaskedReLULayer);

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
