#include "train/detail/activation_layers.h"

#include "proto/error.h"

namespace pinas::train::detail {

torch::Tensor MaskedReLULayerImpl::forward(const torch::Tensor& input) {
  if (!mask_.defined()) {
    last_relus_per_example_ = input.size(0) > 0 ? input.numel() / input.size(0) : 0;
    return torch::relu(input);
  }
  last_relus_per_example_ = mask_ones_;
  return input - mask_ * torch::clamp_max(input, 0.0);
}

void MaskedReLULayerImpl::set_mask(const torch::Tensor& mask) {
  if (!mask.defined()) {
    if (mask_.defined()) {
      // A registered buffer cannot be unregistered; an all-ones mask is equivalent.
      mask_.fill_(1.0);
      mask_ones_ = mask_.numel();
    }
    return;
  }
  auto values = mask.to(torch::kFloat32).detach().clone();
  const auto ones = values.eq(1.0).sum().item<int64_t>();
  const auto zeros = values.eq(0.0).sum().item<int64_t>();
  if (ones + zeros != values.numel()) throw Error("ReLU mask: every element must be 0 or 1");
  if (mask_.defined()) {
    if (mask_.sizes() != values.sizes()) throw Error("ReLU mask: shape differs from the installed mask");
    torch::NoGradGuard no_grad;
    mask_.copy_(values);
  } else {
    mask_ = register_buffer("mask", values);
  }
  mask_ones_ = ones;
}

PolynomialLayerImpl::PolynomialLayerImpl(const std::vector<double>& coefficients) {
  if (coefficients.empty()) throw Error("polynomial activation without coefficients");
  auto values = torch::tensor(std::vector<float>(coefficients.begin(), coefficients.end()));
  coefficients_ = register_parameter("coefficients", values);
}

torch::Tensor PolynomialLayerImpl::forward(const torch::Tensor& input) {
  const int64_t degree = coefficients_.size(0) - 1;
  auto result = coefficients_[degree].expand_as(input);
  for (int64_t i = degree - 1; i >= 0; --i) result = result * input + coefficients_[i];
  return result;
}

}  // namespace pinas::train::detail
