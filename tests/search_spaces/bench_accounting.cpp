// Genotype -> ReLU/MAC count, the inner loop of a search's screening step.
// Target: <= 20 us per candidate (>= 50,000 candidates a second).
//   Count/<space>:         the fast path (SearchSpace::count, no graph)
//   BuildAnalyze/<space>:  genotype -> Boost.Graph IR -> analyze()
//   TextRoundTrip/<space>: IR -> protobuf text -> IR (for reference)
// Each iteration uses the next of 256 pre-sampled genotypes of the space.
#include <benchmark/benchmark.h>

#include "search_spaces/architecture_io.h"
#include "search_spaces/cost_report.h"
#include "search_spaces/search_space.h"

namespace {

using namespace pinas::spaces;
namespace pb = pinas::pb;

std::vector<pb::Genotype> samples(const SearchSpace& space) {
  std::mt19937_64 random(42);
  std::vector<pb::Genotype> genotypes;
  for (int i = 0; i < 256; ++i) genotypes.push_back(space.sample(random));
  return genotypes;
}

void Count(benchmark::State& state, const char* name) {
  const auto space = make_search_space(name);
  const auto genotypes = samples(*space);
  std::size_t next = 0;
  for (auto _ : state) {
    const CostTotals totals = space->count(genotypes[next++ % genotypes.size()], kDefaultInputShape, 10);
    benchmark::DoNotOptimize(totals.relus);
  }
  state.counters["candidates_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BuildAnalyze(benchmark::State& state, const char* name) {
  const auto space = make_search_space(name);
  const auto genotypes = samples(*space);
  std::size_t next = 0;
  for (auto _ : state) {
    const Architecture architecture = space->build(genotypes[next++ % genotypes.size()], kDefaultInputShape, 10);
    benchmark::DoNotOptimize(analyze(architecture).relus);
  }
  state.counters["candidates_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void TextRoundTrip(benchmark::State& state, const char* name) {
  const auto space = make_search_space(name);
  const auto genotypes = samples(*space);
  std::vector<Architecture> architectures;
  for (int i = 0; i < 16; ++i) architectures.push_back(space->build(genotypes[i], kDefaultInputShape, 10));
  std::size_t next = 0;
  for (auto _ : state) {
    const Architecture copy = from_text_format(to_text_format(architectures[next++ % architectures.size()]));
    benchmark::DoNotOptimize(copy.num_nodes());
  }
}

BENCHMARK_CAPTURE(Count, cryptonas, "cryptonas");
BENCHMARK_CAPTURE(Count, sphynx, "sphynx");
BENCHMARK_CAPTURE(Count, nb201, "nb201");
BENCHMARK_CAPTURE(Count, resnet, "resnet");
BENCHMARK_CAPTURE(BuildAnalyze, cryptonas, "cryptonas");
BENCHMARK_CAPTURE(BuildAnalyze, sphynx, "sphynx");
BENCHMARK_CAPTURE(BuildAnalyze, nb201, "nb201");
BENCHMARK_CAPTURE(BuildAnalyze, resnet, "resnet");
BENCHMARK_CAPTURE(TextRoundTrip, sphynx, "sphynx");
BENCHMARK_CAPTURE(TextRoundTrip, nb201, "nb201");

}  // namespace
