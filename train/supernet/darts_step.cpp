#include "train/supernet/darts_step.h"

#include <cmath>
#include <vector>

namespace pinas::train::supernet {
namespace {

// The mean over the (global) batch; data parallel, this rank's share of it.
torch::Tensor cross_entropy(const torch::Tensor& logits, const torch::Tensor& labels,
                            DataParallelGroup* group) {
  if (group == nullptr) return torch::nn::functional::cross_entropy(logits, labels);
  const double global_count = sum_values(*group, {static_cast<double>(labels.size(0))}).front();
  return torch::nn::functional::cross_entropy(
             logits, labels,
             torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum)) /
         global_count;
}

// Sets the alpha gradients to grad_alpha of the alpha-batch loss, at the
// current weights or (unrolled) at the virtually stepped ones, which are
// restored afterwards. Only the gradients asked for are computed.
void alpha_gradients(DartsSupernetImpl& supernet, torch::optim::SGD& weight_optimizer,
                     const DartsStepSettings& settings, double learning_rate,
                     const torch::Tensor& weight_images, const torch::Tensor& weight_labels,
                     const torch::Tensor& alpha_images, const torch::Tensor& alpha_labels) {
  auto alphas = supernet.alpha_parameters();
  auto weights = supernet.weight_parameters();
  std::vector<torch::Tensor> saved;
  if (settings.unrolled) {
    auto loss = cross_entropy(supernet.forward(weight_images), weight_labels, settings.group);
    auto gradients =
        torch::autograd::grad({loss}, weights, {}, false, false, /*allow_unused=*/true);
    if (settings.group != nullptr) sum_tensors(*settings.group, gradients);
    torch::NoGradGuard no_grad;
    auto& state = weight_optimizer.state();
    for (size_t i = 0; i < weights.size(); ++i) {
      saved.push_back(weights[i].clone());
      auto step = weights[i] * settings.weight_decay;
      if (gradients[i].defined()) step = step + gradients[i];
      // LibTorch keys optimizer state by the parameter's implementation pointer.
      auto found = state.find(c10::guts::to_string(weights[i].unsafeGetTensorImpl()));
      if (found != state.end()) {
        const auto& buffer =
            static_cast<torch::optim::SGDParamState&>(*found->second).momentum_buffer();
        if (buffer.defined()) step = step + settings.momentum * buffer;
      }
      weights[i].sub_(learning_rate * step);
    }
  }
  auto loss = cross_entropy(supernet.forward(alpha_images), alpha_labels, settings.group);
  auto gradients = torch::autograd::grad({loss}, alphas);
  if (settings.group != nullptr) sum_tensors(*settings.group, gradients);
  if (settings.unrolled) {
    torch::NoGradGuard no_grad;
    for (size_t i = 0; i < weights.size(); ++i) weights[i].copy_(saved[i]);
  }
  for (size_t i = 0; i < alphas.size(); ++i) alphas[i].mutable_grad() = gradients[i];
}

}  // namespace

DartsStepResult darts_step(DartsSupernetImpl& supernet, torch::optim::SGD& weight_optimizer,
                           torch::optim::Optimizer& alpha_optimizer,
                           const DartsStepSettings& settings, double learning_rate,
                           const torch::Tensor& weight_images, const torch::Tensor& weight_labels,
                           const torch::Tensor& alpha_images, const torch::Tensor& alpha_labels) {
  alpha_optimizer.zero_grad();
  alpha_gradients(supernet, weight_optimizer, settings, learning_rate, weight_images, weight_labels,
                  alpha_images, alpha_labels);
  alpha_optimizer.step();

  weight_optimizer.zero_grad();
  DartsStepResult result;
  result.logits = supernet.forward(weight_images);
  auto loss = cross_entropy(result.logits, weight_labels, settings.group);
  result.loss = loss.item<double>();
  // Data parallel, every rank must take part in the gradient sums: the
  // caller sees the non-finite global loss and stops on every rank.
  if (!std::isfinite(result.loss) && settings.group == nullptr) return result;
  auto weights = supernet.weight_parameters();
  loss.backward({}, c10::nullopt, false, c10::optional<at::TensorList>(weights));
  if (settings.group != nullptr) sum_gradients(*settings.group, weights);
  if (settings.gradient_clip > 0)
    torch::nn::utils::clip_grad_norm_(weights, settings.gradient_clip);
  weight_optimizer.step();
  return result;
}

}  // namespace pinas::train::supernet
