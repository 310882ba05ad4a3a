// Controller overhead per trial (ask, screen, store, tell, strategy state
// save) with 10,000 trials already in the store. The evaluation itself is
// synthetic and instantaneous, so what is measured is the controller.
#include <benchmark/benchmark.h>

#include <chrono>

#include "nas/config/experiment_config.h"
#include "nas/controller/search_controller.h"
#include "nas/evaluation/synthetic_evaluator.h"
#include "nas/spaces/synthetic_space.h"

namespace pinas::nas {
namespace {

constexpr int kExisting = 10000;
constexpr int kMeasuredPerIteration = 500;

pb::ExperimentConfig bench_config(pb::StrategyKind kind, int max_trials) {
  pb::ExperimentConfig config = parse_experiment_config(R"(
    name: "bench"
    space: "synthetic"
    synthetic_space { decisions: 24 choices: 6 }
    objective { budget { max_relus: 1000000 } source: SYNTHETIC }
    strategy { kind: RANDOM population_size: 100 sample_size: 25 }
    max_trials: 1
    seed: 1
  )", "bench config");
  config.mutable_strategy()->set_kind(kind);
  config.set_max_trials(max_trials);
  return config;
}

void BM_ControllerOverheadPerTrial(benchmark::State& state) {
  auto kind = static_cast<pb::StrategyKind>(state.range(0));
  auto folder = std::filesystem::temp_directory_path() / ("pinas_bench_controller_" + std::to_string(::getpid()));
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  auto config = bench_config(kind, kExisting);
  auto store = TrialStore::create(folder / "trials.db", to_text(config));
  SyntheticSpace space(24, 6);
  SyntheticEvaluator evaluator(space.decision_space(), 1, 0);
  {
    auto strategy = make_strategy(config.strategy(), space.decision_space(), 1);
    BatchExecutor executor(evaluator, 1);
    SearchController controller(config, folder, store, space, *strategy, executor);
    controller.run();
  }
  int total = kExisting;
  double measured_seconds = 0;
  int measured_trials = 0;
  for (auto _ : state) {
    state.PauseTiming();
    total += kMeasuredPerIteration;
    config.set_max_trials(total);
    auto strategy = make_strategy(config.strategy(), space.decision_space(), 1);
    BatchExecutor executor(evaluator, 1);
    SearchController controller(config, folder, store, space, *strategy, executor);  // restore: not measured
    state.ResumeTiming();
    auto start = std::chrono::steady_clock::now();
    controller.run();
    measured_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    measured_trials += kMeasuredPerIteration;
  }
  state.counters["trials_in_store"] = static_cast<double>(total);
  state.counters["ms_per_trial"] = measured_seconds * 1000.0 / measured_trials;
  state.SetItemsProcessed(measured_trials);
  std::filesystem::remove_all(folder);
}

BENCHMARK(BM_ControllerOverheadPerTrial)
    ->Arg(pb::RANDOM)
    ->Arg(pb::EVOLUTION)
    ->Arg(pb::NSGA2)
    ->ArgName("strategy")
    ->Iterations(4)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace pinas::nas
