#include "train/detail/activation_layers.h"

#include "proto/error.h"

namespace pinas::train::detail {

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
