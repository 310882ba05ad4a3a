#include "train/detail/mixed_activation_layer.h"

#include <cmath>
#include <limits>

#include "proto/error.h"

namespace pinas::train::detail {

namespace {

// Forward: the state m; backward: softplus(w) times the incoming gradient.
struct SoftplusStraightThrough : public torch::autograd::Function<SoftplusStraightThrough> {
  static torch::Tensor forward(torch::autograd::AutogradContext* context, const torch::Tensor& weight,
                               const torch::Tensor& state) {
    context->save_for_backward({weight});
    return state.detach().clone();
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* context,
                                                 torch::autograd::variable_list gradients) {
    const auto weight = context->get_saved_variables()[0];
    return {torch::softplus(weight) * gradients[0], torch::Tensor()};
  }
};

constexpr double kStatisticsMomentum = 0.1;  // batch norm's default, as AutoReP tracks them

}  // namespace

torch::Tensor softplus_straight_through(const torch::Tensor& weight, const torch::Tensor& state) {
  return SoftplusStraightThrough::apply(weight, state);
}

torch::Tensor hysteresis_update(const torch::Tensor& state, const torch::Tensor& weight, double threshold) {
  const auto stays_on = weight.gt(-threshold).to(state.dtype());
  const auto turns_on = weight.gt(threshold).to(state.dtype());
  return state * stays_on + (1 - state) * turns_on;
}

std::array<double, 3> gaussian_relu_fit(double mean, double deviation) {
  if (!(deviation > 0.0) || !std::isfinite(deviation) || !std::isfinite(mean)) {
    throw Error("DaPa fit: the deviation must be positive and finite");
  }
  const double root_two_pi = std::sqrt(2.0 * M_PI);
  const double gauss = std::exp(-mean * mean / (2.0 * deviation * deviation));
  const double c2 = gauss / (2.0 * root_two_pi * deviation);
  const double c1 = 1.0 - 0.5 * std::erfc(mean / (std::sqrt(2.0) * deviation)) -
                    mean * gauss / (root_two_pi * deviation);
  const double c0 = mean * mean * gauss / (2.0 * root_two_pi * deviation) + deviation * gauss / (2.0 * root_two_pi);
  return {c0, c1, c2};
}

MixedActivationLayerImpl::MixedActivationLayerImpl(int64_t channels, int64_t height, int64_t width)
    : channels_(channels), height_(height), width_(width) {}

torch::Tensor MixedActivationLayerImpl::replaced(const torch::Tensor& input) const {
  if (!replacement_.defined()) return input;
  const auto c = replacement_.view({1, channels_, 1, 3});
  using torch::indexing::Slice;
  const auto c0 = c.index({Slice(), Slice(), Slice(), 0}).unsqueeze(-1);
  const auto c1 = c.index({Slice(), Slice(), Slice(), 1}).unsqueeze(-1);
  const auto c2 = c.index({Slice(), Slice(), Slice(), 2}).unsqueeze(-1);
  return c0 + input * (c1 + input * c2);
}

torch::Tensor MixedActivationLayerImpl::live_mask() const {
  if (mask_.defined()) return mask_;
  return torch::ones({channels_, height_, width_}, torch::TensorOptions().device(device_));
}

torch::Tensor MixedActivationLayerImpl::forward(const torch::Tensor& input) {
  if (tracking_ && is_training()) {
    torch::NoGradGuard no_grad;
    const auto values = input.detach().transpose(0, 1).reshape({channels_, -1});
    const auto mean = values.mean(1);
    const auto variance = values.var(1, /*unbiased=*/true);
    if (!running_mean_.defined()) {
      running_mean_ = register_buffer("dapa_running_mean", torch::zeros({channels_}, input.options()));
      running_var_ = register_buffer("dapa_running_var", torch::ones({channels_}, input.options()));
    }
    running_mean_.mul_(1 - kStatisticsMomentum).add_(mean * kStatisticsMomentum);
    running_var_.mul_(1 - kStatisticsMomentum).add_(variance * kStatisticsMomentum);
    statistics_seen_ = true;
  }
  const int64_t per_example = input.size(0) > 0 ? input.numel() / input.size(0) : 0;
  switch (relaxation_) {
    case Relaxation::kSnl: {
      const auto alpha = alpha_ * live_mask();
      last_relus_per_example_ = live_relus(0.0);
      return alpha * torch::relu(input) + (1 - alpha) * replaced(input);
    }
    case Relaxation::kAutoRep: {
      if (is_training()) {
        torch::NoGradGuard no_grad;
        gate_state_.copy_(hysteresis_update(gate_state_, gate_weight_, threshold_) * live_mask());
      }
      const auto gate = softplus_straight_through(gate_weight_, gate_state_);
      last_relus_per_example_ = live_relus(0.0);
      return gate * torch::relu(input) + (1 - gate) * replaced(input);
    }
    case Relaxation::kNone:
      break;
  }
  if (!mask_.defined()) {
    last_relus_per_example_ = per_example;
    return torch::relu(input);
  }
  last_relus_per_example_ = mask_ones_;
  if (!replacement_.defined()) return input - mask_ * torch::clamp_max(input, 0.0);
  return mask_ * torch::relu(input) + (1 - mask_) * replaced(input);
}

void MixedActivationLayerImpl::set_mask(const torch::Tensor& mask) {
  if (!mask.defined()) {
    if (mask_.defined()) {
      // A registered buffer cannot be unregistered; an all-ones mask is equivalent.
      mask_.fill_(1.0);
      mask_ones_ = mask_.numel();
    }
    return;
  }
  if (mask.dim() != 3 || mask.size(0) != channels_ || mask.size(1) != height_ || mask.size(2) != width_) {
    throw Error("ReLU mask: shape differs from the layer's input");
  }
  auto values = mask.to(torch::kFloat32).detach().clone();
  const auto ones = values.eq(1.0).sum().item<int64_t>();
  const auto zeros = values.eq(0.0).sum().item<int64_t>();
  if (ones + zeros != values.numel()) throw Error("ReLU mask: every element must be 0 or 1");
  torch::NoGradGuard no_grad;
  if (mask_.defined()) {
    mask_.copy_(values);
  } else {
    mask_ = register_buffer("mask", values);
  }
  mask_ones_ = ones;
}

void MixedActivationLayerImpl::set_replacement(const torch::Tensor& coefficients) {
  torch::NoGradGuard no_grad;
  if (!coefficients.defined()) {
    if (replacement_.defined()) {
      replacement_.zero_();
      replacement_.index_put_({torch::indexing::Slice(), 1}, 1.0);
    }
    return;
  }
  if (coefficients.dim() != 2 || coefficients.size(0) != channels_ || coefficients.size(1) != 3) {
    throw Error("ReLU replacement: expected " + std::to_string(channels_) + "x3 coefficients");
  }
  if (replacement_.defined()) {
    replacement_.copy_(coefficients.to(replacement_.device(), torch::kFloat32));
  } else {
    replacement_ = register_parameter("replacement", coefficients.to(device_, torch::kFloat32).detach().clone());
  }
}

void MixedActivationLayerImpl::begin_snl(bool channel_wise, torch::Device device) {
  torch::NoGradGuard no_grad;
  device_ = device;
  channel_wise_ = channel_wise;
  const auto live = live_mask();
  // Per channel, α starts at 1 where the channel has any live ReLU.
  const auto initial = channel_wise ? live.amax({1, 2}, /*keepdim=*/true) : live;
  if (alpha_.defined()) {
    alpha_.set_data(initial.clone());  // the shape may change between per-pixel and per-channel
    alpha_.set_requires_grad(true);
  } else {
    alpha_ = register_parameter("snl_alpha", initial.clone());
  }
  relaxation_ = Relaxation::kSnl;
}

void MixedActivationLayerImpl::begin_autorep(double hysteresis_threshold, at::Generator generator,
                                             torch::Device device) {
  torch::NoGradGuard no_grad;
  device_ = device;
  threshold_ = hysteresis_threshold;
  const auto live = live_mask();
  auto weight = torch::rand({channels_, height_, width_}, generator, torch::kFloat32).to(live.device());
  if (!gate_weight_.defined()) {
    gate_weight_ = register_parameter("autorep_gate_weight", weight);
    gate_state_ = register_buffer("autorep_gate_state", live.clone());
  } else {
    gate_weight_.copy_(weight);
    gate_weight_.set_requires_grad(true);
    gate_state_.copy_(live);
  }
  relaxation_ = Relaxation::kAutoRep;
}

void MixedActivationLayerImpl::finish_relaxation(const torch::Tensor& mask) {
  set_mask(mask);
  relaxation_ = Relaxation::kNone;
  if (alpha_.defined()) alpha_.set_requires_grad(false);
  if (gate_weight_.defined()) gate_weight_.set_requires_grad(false);
}

int64_t MixedActivationLayerImpl::live_relus(double snl_threshold) const {
  switch (relaxation_) {
    case Relaxation::kSnl: {
      torch::NoGradGuard no_grad;
      if (channel_wise_) {
        const auto live_channels = live_mask().amax({1, 2}, true);
        return (alpha_ * live_channels).gt(snl_threshold).sum().item<int64_t>() * height_ * width_;
      }
      return (alpha_ * live_mask()).gt(snl_threshold).sum().item<int64_t>();
    }
    case Relaxation::kAutoRep:
      return gate_state_.sum().item<int64_t>();
    case Relaxation::kNone:
      break;
  }
  return mask_.defined() ? mask_ones_ : elements();
}

torch::Tensor MixedActivationLayerImpl::importance() const {
  torch::NoGradGuard no_grad;
  torch::Tensor score;
  if (relaxation_ == Relaxation::kSnl) {
    score = alpha_.expand({channels_, height_, width_}).clone();
  } else if (relaxation_ == Relaxation::kAutoRep) {
    // Only gates that are on compete; the others are already replaced.
    score = torch::where(gate_state_.gt(0.5), gate_weight_,
                         torch::full_like(gate_weight_, -std::numeric_limits<float>::infinity()));
  } else {
    score = torch::ones({channels_, height_, width_});
  }
  const auto live = live_mask().to(score.device());
  return torch::where(live.gt(0.5), score, torch::full_like(score, -std::numeric_limits<float>::infinity()));
}

void MixedActivationLayerImpl::fit_replacement_to_statistics(double min_variance, double x2_scale) {
  if (!statistics_seen_) throw Error("DaPa: no pre-activation statistics were tracked");
  if (!(min_variance > 0.0) || !std::isfinite(min_variance) || !(x2_scale >= 0.0) ||
      !std::isfinite(x2_scale)) {
    throw Error(
        "DaPa: the variance floor must be positive and the x² scale non-negative, both finite");
  }
  auto means = running_mean_.to(torch::kCPU, torch::kDouble);
  auto variances = running_var_.to(torch::kCPU, torch::kDouble);
  auto coefficients = torch::empty({channels_, 3}, torch::kFloat32);
  for (int64_t c = 0; c < channels_; ++c) {
    const double deviation = std::sqrt(std::max(variances[c].item<double>(), min_variance));
    auto fit = gaussian_relu_fit(means[c].item<double>(), deviation);
    fit[2] *= x2_scale;
    for (int k = 0; k < 3; ++k) coefficients[c][k] = static_cast<float>(fit[static_cast<size_t>(k)]);
  }
  set_replacement(coefficients);
}

}  // namespace pinas::train::detail
