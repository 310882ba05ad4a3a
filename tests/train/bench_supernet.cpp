// The search cost of DARTS per step: one bilevel supernet step (alpha step +
// weight step, first order or one-step unrolled) against one SGD step of a
// derived network, single-threaded on random data.
//   ci:    the CI search (3 cells, width 4, 1x28x28, batch 32) against the
//          derived N3-C5 network it fits to 12,000 ReLUs;
//   paper: Sphynx's search network (8 cells, width 16, 3x32x32, batch 64)
//          against the acceptance's L5 C5 network (25,600 ReLUs).
// The README reports the ratios.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "search_spaces/sphynx_space.h"
#include "tests/train/detail/sgd_step_benchmark.h"
#include "train/detail/thread_settings.h"
#include "train/network.h"
#include "train/supernet/darts_step.h"
#include "train/supernet/darts_supernet.h"

namespace pinas::train::supernet {
namespace {

constexpr const char* kCells =
    "normal=avg_pool_3x3~0,skip~1|conv_3x3~0,conv_3x3~1|conv_5x5~0,dil_conv_3x3~2|dil_conv_5x5~0,"
    "avg_pool_3x3~1;"
    "reduce=dil_conv_3x3~0,conv_3x3~1|conv_5x5~1,conv_5x5~2|conv_5x5~0,dil_conv_3x3~3|dil_conv_5x5~"
    "3,dil_conv_5x5~4";

struct Setting {
  int64_t channels, height, width, batch;
  int cells;
  int64_t width_c;
  std::vector<int> reductions;
  const char* derived;  // header of the derived network's description
};

Setting setting(int64_t which) {
  if (which == 0) return {1, 28, 28, 32, 3, 4, {1, 2}, "N3-C5-R1.2:"};
  return {3, 32, 32, 64, 8, 16, {2, 5}, "N5-C5-R0.1:"};
}

void BM_SupernetStep(benchmark::State& state) {
  detail::OpStyle style = detail::OpStyle::kPaper;
  const Setting s = setting(state.range(0));
  train::detail::use_intra_op_threads(1);
  DartsSupernetOptions options;
  options.input_channels = s.channels;
  options.input_height = s.height;
  options.input_width = s.width;
  options.cells = s.cells;
  options.channels = s.width_c;
  options.reduction_positions = s.reductions;
  options.op_style = style;
  DartsSupernet supernet(options, 1);
  supernet->train();
  torch::optim::SGD weights(supernet->weight_parameters(),
                            torch::optim::SGDOptions(0.025).momentum(0.9).weight_decay(3e-4));
  torch::optim::Adam alphas(supernet->alpha_parameters(),
                            torch::optim::AdamOptions(3e-4).betas({0.5, 0.999}).weight_decay(1e-3));
  DartsStepSettings step;
  step.unrolled = state.range(1) == 1;
  auto images = torch::randn({s.batch, s.channels, s.height, s.width});
  auto labels = torch::randint(0, 10, {s.batch}, torch::kLong);
  auto alpha_images = torch::randn({s.batch, s.channels, s.height, s.width});
  for (auto _ : state) {
    auto result =
        darts_step(*supernet, weights, alphas, step, 0.025, images, labels, alpha_images, labels);
    benchmark::DoNotOptimize(result.loss);
  }
  state.SetItemsProcessed(state.iterations() * s.batch);
  state.SetLabel(step.unrolled ? "unrolled" : "first order");
}

void BM_DerivedStep(benchmark::State& state) {
  const Setting s = setting(state.range(0));
  train::detail::use_intra_op_threads(1);
  const spaces::SphynxSpace space;
  const auto genotype = space.parse(std::string(s.derived) + kCells);
  Network network(space.build(genotype, spaces::Shape{s.channels, s.height, s.width}, 10), 1);
  network->train();
  torch::optim::SGD optimizer(network->parameters(),
                              torch::optim::SGDOptions(0.025).momentum(0.9).weight_decay(3e-4));
  auto images = torch::randn({s.batch, s.channels, s.height, s.width});
  auto labels = torch::randint(0, 10, {s.batch}, torch::kLong);
  testing::time_sgd_steps(state, optimizer, network->parameters(), images, labels,
                          [&](const torch::Tensor& x) { return network->forward(x); });
  state.SetLabel(space.describe(genotype).substr(0, 10));
}

// Arguments: {setting (0 = ci, 1 = paper), unrolled}.
BENCHMARK(BM_SupernetStep)
    ->Args({0, 0})
    ->Args({0, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_SupernetStep)
    ->Args({1, 0})
    ->Args({1, 1})
    ->Iterations(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_DerivedStep)->Args({0})->Args({1})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace pinas::train::supernet
