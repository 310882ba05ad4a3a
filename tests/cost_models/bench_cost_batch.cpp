// `pinas cost --batch` throughput: candidates per second through
// run_cost_batch (parse a genotype key, cost it, write a JSON line), one
// thread, for the ReLU-count model and the calibrated PI model (HE linear
// backend, exact bytes and rounds). Targets (issue 12): >= 50,000/s and
// >= 10,000/s on one core. Run it pinned: taskset -c 0 bench_cost_batch.
#include <benchmark/benchmark.h>

#include <random>
#include <sstream>

#include "cost_models/batch_query.h"
#include "cost_models/pi_cost_model.h"
#include "cost_models/relu_count_cost_model.h"
#include "search_spaces/search_space.h"

namespace {

using namespace pinas;

// 1,000 sampled candidates of `space` (or of every space when empty), one key a line.
std::string candidates(const std::string& space_name) {
  std::mt19937_64 random(11);
  std::string lines;
  const auto names =
      space_name.empty() ? spaces::search_space_names() : std::vector<std::string>{space_name};
  for (int i = 0; i < 1000; ++i) {
    const auto space = spaces::make_search_space(names[static_cast<std::size_t>(i) % names.size()]);
    lines += spaces::genotype_key(space->sample(random)) + "\n";
  }
  return lines;
}

pb::PiCalibration calibration() {
  pb::PiCalibration result;
  result.set_ring_bits(48);
  result.set_fractional_bits(10);
  auto* unit = result.mutable_unit_costs();
  // Online per AND gate, as `pinas calibrate` fits it now (the model then
  // counts every batch's AND gates).
  unit->set_garbled_online_seconds_per_and(27e-9);
  unit->set_relu_offline_seconds(1e-5);
  unit->set_linear_online_seconds_per_mac(1e-10);
  *result.mutable_network() = cost::network_preset("lan");
  return result;
}

void run(benchmark::State& state, const cost::CostModel& model, const std::string& input) {
  std::int64_t processed = 0, failed = 0;
  for (auto _ : state) {
    std::istringstream in(input);
    std::ostringstream out;
    failed += cost::run_cost_batch(in, out, model);
    processed += 1000;
    benchmark::DoNotOptimize(out.str().size());
  }
  state.SetItemsProcessed(processed);
  state.counters["failed"] = static_cast<double>(failed);
}

void BM_BatchReluCount(benchmark::State& state, const std::string& space) {
  const cost::ReluCountCostModel model;
  run(state, model, candidates(space));
}

void BM_BatchPiModel(benchmark::State& state, const std::string& space) {
  const cost::PiCostModel model(calibration());
  run(state, model, candidates(space));
}

BENCHMARK_CAPTURE(BM_BatchReluCount, every_space, std::string())->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_BatchPiModel, every_space, std::string())->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_BatchReluCount, cryptonas, std::string("cryptonas"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_BatchPiModel, cryptonas, std::string("cryptonas"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_BatchPiModel, nb201, std::string("nb201"))->Unit(benchmark::kMillisecond);

}  // namespace
