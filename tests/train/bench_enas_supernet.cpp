// The search cost of ENAS per step: one child step on the shared supernet
// (forward of one sampled path, backward, SGD with gradient clipping, as the
// ENAS search runs it) against one SGD step of the network a search derives,
// single-threaded on random data. The path and the derived network have the
// same ops and skips, so the ratio is what weight sharing costs per step.
//   ci:    the Fashion-MNIST search (L6, C8, 1x28x28, batch 64) against the
//          derived L6-C8 network;
//   paper: CryptoNAS' child supernet on CIFAR (L6, C12, 3x32x32, batch 128)
//          against the acceptance's budget-fitted L6-C14 (86,016 ReLUs).
// The README reports the ratios.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "search_spaces/cryptonas_space.h"
#include "tests/train/detail/sgd_step_benchmark.h"
#include "train/detail/thread_settings.h"
#include "train/network.h"
#include "train/supernet/enas_supernet.h"

namespace pinas::train::supernet {
namespace {

// One layer per op, in pb::CryptoNasOp order, layer i skipping to layer i - 2.
constexpr const char* kLayers =
    "conv3x3|conv5x5|sep_conv3x3+0|sep_conv5x5+1|avg_pool3x3+2|max_pool3x3+3";

struct Setting {
  int64_t channels, height, width, batch;
  int64_t search_width;
  const char* derived;  // header of the derived network's description
};

Setting setting(int64_t which) {
  if (which == 0) return {1, 28, 28, 64, 8, "L6-C8:"};
  return {3, 32, 32, 128, 12, "L6-C14:"};
}

pb::CryptoNasGenotype path() {
  const spaces::CryptoNasSpace space;
  return space.parse(std::string("L6-C8:") + kLayers).cryptonas();
}

void BM_EnasChildStep(benchmark::State& state) {
  const Setting s = setting(state.range(0));
  train::detail::use_intra_op_threads(1);
  EnasSupernetOptions options;
  options.input_channels = s.channels;
  options.input_height = s.height;
  options.input_width = s.width;
  options.layers = 6;
  options.channels = s.search_width;
  options.op_style =
      state.range(1) == 0 ? detail::EnasOpStyle::kPaper : detail::EnasOpStyle::kSpace;
  EnasSupernet supernet(options, 1);
  supernet->train();
  torch::optim::SGD weights(
      supernet->parameters(),
      torch::optim::SGDOptions(0.05).momentum(0.9).nesterov(true).weight_decay(1e-4));
  const auto architecture = path();
  auto images = torch::randn({s.batch, s.channels, s.height, s.width});
  auto labels = torch::randint(0, 10, {s.batch}, torch::kLong);
  testing::time_sgd_steps(
      state, weights, supernet->parameters(), images, labels,
      [&](const torch::Tensor& x) { return supernet->forward(x, architecture); });
  state.SetLabel(state.range(1) == 0 ? "paper ops" : "space ops");
}

void BM_EnasDerivedStep(benchmark::State& state) {
  const Setting s = setting(state.range(0));
  train::detail::use_intra_op_threads(1);
  const spaces::CryptoNasSpace space;
  const auto genotype = space.parse(std::string(s.derived) + kLayers);
  Network network(space.build(genotype, spaces::Shape{s.channels, s.height, s.width}, 10), 1);
  network->train();
  torch::optim::SGD optimizer(
      network->parameters(),
      torch::optim::SGDOptions(0.05).momentum(0.9).nesterov(true).weight_decay(1e-4));
  auto images = torch::randn({s.batch, s.channels, s.height, s.width});
  auto labels = torch::randint(0, 10, {s.batch}, torch::kLong);
  testing::time_sgd_steps(state, optimizer, network->parameters(), images, labels,
                          [&](const torch::Tensor& x) { return network->forward(x); });
  state.SetLabel(s.derived);
}

// Arguments: {setting (0 = ci, 1 = paper), op style (0 = paper, 1 = space)}.
BENCHMARK(BM_EnasChildStep)
    ->Args({0, 0})
    ->Args({0, 1})
    ->Args({1, 0})
    ->Args({1, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_EnasDerivedStep)->Args({0})->Args({1})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace pinas::train::supernet
