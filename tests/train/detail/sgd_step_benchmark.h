#pragma once

// The timed loop the supernet benchmarks share: one SGD step per benchmark
// iteration on fixed data (forward, cross-entropy, backward, gradient norm
// clipped at 5, step), so that a derived network's step and a supernet's step
// are timed the same way.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <vector>

namespace pinas::train::testing {

// Requires `forward` to map `images` to logits over `labels`' classes, using
// `parameters` (which `optimizer` updates). Sets items processed per image.
template <typename Forward>
void time_sgd_steps(benchmark::State& state, torch::optim::Optimizer& optimizer,
                    const std::vector<torch::Tensor>& parameters, const torch::Tensor& images,
                    const torch::Tensor& labels, Forward forward) {
  for (auto _ : state) {
    optimizer.zero_grad();
    torch::Tensor loss = torch::nn::functional::cross_entropy(forward(images), labels);
    loss.backward();
    torch::nn::utils::clip_grad_norm_(parameters, 5.0);
    optimizer.step();
    benchmark::DoNotOptimize(loss.item<double>());
  }
  state.SetItemsProcessed(state.iterations() * images.size(0));
}

}  // namespace pinas::train::testing
