#pragma once

#include <torch/torch.h>

#include <array>
#include <cstdint>

namespace pinas::train::detail {

// AutoReP's straight-through estimator for the gate state m of auxiliary
// weight w: the forward pass returns m, the backward pass gives
// ∂L/∂w = softplus(w)·∂L/∂m. Thread-safe (pure).
torch::Tensor softplus_straight_through(const torch::Tensor& weight, const torch::Tensor& state);

// AutoReP's hysteresis rule, applied on every training forward pass:
// m ← m·[w > −threshold] + (1−m)·[w > threshold]. A gate switches off only once
// w falls below −threshold and back on only once w rises above threshold.
// Returns the new state (0/1, m's dtype). Thread-safe (pure).
torch::Tensor hysteresis_update(const torch::Tensor& state, const torch::Tensor& weight, double threshold);

// DaPa: the least-squares quadratic c0 + c1·x + c2·x² closest to ReLU(x) for
// x ~ N(mean, deviation²), in closed form (AutoReP). Returns {c0, c1, c2}.
// Requires deviation > 0. At mean 0: {σ/(2√(2π)), ½, 1/(2√(2π)σ)}.
std::array<double, 3> gaussian_relu_fit(double mean, double deviation);

// The IR's RELU node as a LibTorch module: the mixed activation of ReLU
// reduction (proto/architecture.proto). Per element of the C×H×W input,
// y = mask·ReLU(x) + (1 − mask)·r_c(x), where r_c is the channel's replacement
// c0 + c1·x + c2·x² ("replacement" parameter, C×3) or the identity when there is
// none. Without a mask every element is a ReLU.
//
// During reduction one relaxation may replace the 0/1 mask's live part:
//   SNL:     a trainable α (1×H×W per pixel or C×1×1 per channel, as "snl_alpha")
//            with y = α·ReLU(x) + (1 − α)·r(x);
//   AutoReP: a trainable gate weight w ~ U(0, 1) ("autorep_gate_weight") and a
//            0/1 state m ("autorep_gate_state") updated by hysteresis, with
//            y = m·ReLU(x) + (1 − m)·r(x) through the straight-through estimator.
// Elements already replaced by the mask stay replaced. The layer can also track
// its input's per-channel mean and variance (batch norm without affine,
// momentum 0.1) for DaPa.
//
// Thread-safety: used by one thread at a time, like any module.
class MixedActivationLayerImpl : public torch::nn::Module {
 public:
  enum class Relaxation { kNone, kSnl, kAutoRep };

  // `channels`, `height`, `width`: the input's C×H×W.
  MixedActivationLayerImpl(int64_t channels, int64_t height, int64_t width);
  torch::Tensor forward(const torch::Tensor& input);

  // Installs a mask (C×H×W of 0/1, any dtype) or, with an undefined tensor,
  // makes every element a ReLU. Throws pinas::Error when a value is neither 0
  // nor 1 or the shape is wrong.
  void set_mask(const torch::Tensor& mask);
  // The mask, or an undefined tensor when every element is a ReLU.
  torch::Tensor mask() const { return mask_; }
  // Installs per-channel replacement coefficients (C×3: c0, c1, c2), trainable,
  // or with an undefined tensor the identity. Throws pinas::Error on a wrong shape.
  void set_replacement(const torch::Tensor& coefficients);
  torch::Tensor replacement() const { return replacement_; }

  // Starts SNL's relaxation on `device` (the module's): α = the current mask (1
  // where a ReLU is live), per pixel or, with `channel_wise`, per channel.
  void begin_snl(bool channel_wise, torch::Device device);
  // Starts AutoReP's: w ~ U(0, 1) from `generator`, m = 1 where a ReLU is live.
  void begin_autorep(double hysteresis_threshold, at::Generator generator, torch::Device device);
  Relaxation relaxation() const { return relaxation_; }
  torch::Tensor snl_alpha() const { return alpha_; }
  torch::Tensor gate_weight() const { return gate_weight_; }
  torch::Tensor gate_state() const { return gate_state_; }
  // Ends the relaxation: installs `mask` (C×H×W of 0/1, at most the live
  // elements) and freezes. The relaxation's tensors stay registered (a module
  // cannot drop them) but no longer take part.
  void finish_relaxation(const torch::Tensor& mask);

  // The live ReLUs per example: mask ones without relaxation, #{α·mask >
  // threshold} under SNL (α per channel counts H·W per channel), Σ m·mask under AutoReP.
  int64_t live_relus(double snl_threshold) const;
  // Elements per example (C·H·W).
  int64_t elements() const { return channels_ * height_ * width_; }
  // A score per element (C×H×W) whose order says which ReLUs matter most:
  // α (broadcast per channel) under SNL, w under AutoReP (−inf where the gate is
  // off), 1 otherwise. Elements the mask replaced get −inf.
  torch::Tensor importance() const;

  // DaPa statistics: while tracking, every training forward pass updates the
  // running per-channel mean and variance of the input.
  void track_statistics(bool on) { tracking_ = on; }
  // Sets the replacement (created if absent) to gaussian_relu_fit of each
  // channel's running mean and variance, the variance clipped below at
  // `min_variance`, with the x² coefficient multiplied by `x2_scale` (AutoReP's
  // released --scale_x2). Requires statistics to have been tracked and
  // min_variance > 0; throws Error otherwise.
  void fit_replacement_to_statistics(double min_variance = 1e-12, double x2_scale = 1.0);
  torch::Tensor running_mean() const { return running_mean_; }
  torch::Tensor running_var() const { return running_var_; }

  // ReLUs per example executed by the last forward call (0 before any).
  int64_t last_relus_per_example() const { return last_relus_per_example_; }

 private:
  torch::Tensor replaced(const torch::Tensor& input) const;
  torch::Tensor live_mask() const;  // the mask, or ones

  int64_t channels_, height_, width_;
  torch::Device device_ = torch::kCPU;
  torch::Tensor mask_;
  int64_t mask_ones_ = 0;
  torch::Tensor replacement_;
  Relaxation relaxation_ = Relaxation::kNone;
  bool channel_wise_ = false;
  double threshold_ = 0.0;
  torch::Tensor alpha_, gate_weight_, gate_state_;
  bool tracking_ = false;
  bool statistics_seen_ = false;
  torch::Tensor running_mean_, running_var_;
  int64_t last_relus_per_example_ = 0;
};
TORCH_MODULE(MixedActivationLayer);

}  // namespace pinas::train::detail
