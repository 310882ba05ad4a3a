// Garbling and evaluation throughput, one core: AND gates per second on a
// batch of ReLU circuits (many independent copies) and on AES-128 (one copy,
// level-by-level batching).
#include <benchmark/benchmark.h>

#include <filesystem>

#include "crypto/circuits/bristol_reader.h"
#include "crypto/circuits/share_circuits.h"
#include "crypto/gc/evaluator.h"
#include "crypto/gc/garbler.h"
#include "crypto/primitives/prg.h"

namespace pinas::crypto {
namespace {

struct Fixture {
  Circuit circuit;
  std::size_t copies;
  std::vector<Block> zero_labels, tables, outputs;
  Fixture(Circuit c, std::size_t n)
      : circuit(std::move(c)),
        copies(n),
        zero_labels(n * circuit.input_wire_count()),
        tables(n * circuit.and_count() * 2),
        outputs(n * circuit.output_wires().size()) {
    Prg prg(Block::from_uint64(1, 1));
    prg.random_blocks(zero_labels.data(), zero_labels.size());
  }
};

Circuit aes_or_relu() {
  // Benchmarks get no PINAS_SOURCE_DIR; this file sits at tests/crypto/.
  std::filesystem::path source =
      std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
  std::string path = (source / "../shared/data/bristol/aes_128.txt").string();
  if (std::filesystem::exists(path)) return read_bristol_file(path);
  return relu_circuit(64, 0);
}

void garble(benchmark::State& state, Fixture& fixture) {
  Garbler garbler(Block::from_uint64(3, 5));
  for (auto _ : state) {
    garbler.garble(fixture.circuit, fixture.copies, fixture.zero_labels, fixture.tables,
                   fixture.outputs);
    benchmark::DoNotOptimize(fixture.tables.data());
  }
  state.counters["and_per_s"] =
      benchmark::Counter(static_cast<double>(fixture.circuit.and_count() * fixture.copies),
                         benchmark::Counter::kIsIterationInvariantRate);
}

void evaluate(benchmark::State& state, Fixture& fixture) {
  Evaluator evaluator;
  for (auto _ : state) {
    evaluator.evaluate(fixture.circuit, fixture.copies, fixture.zero_labels, fixture.tables,
                       fixture.outputs);
    benchmark::DoNotOptimize(fixture.outputs.data());
  }
  state.counters["and_per_s"] =
      benchmark::Counter(static_cast<double>(fixture.circuit.and_count() * fixture.copies),
                         benchmark::Counter::kIsIterationInvariantRate);
}

void BM_GarbleReluBatch(benchmark::State& state) {
  Fixture fixture(relu_circuit(32, 0), 4096);
  garble(state, fixture);
}
void BM_EvaluateReluBatch(benchmark::State& state) {
  Fixture fixture(relu_circuit(32, 0), 4096);
  evaluate(state, fixture);
}
void BM_GarbleAes(benchmark::State& state) {
  Fixture fixture(aes_or_relu(), 1);
  garble(state, fixture);
}
void BM_EvaluateAes(benchmark::State& state) {
  Fixture fixture(aes_or_relu(), 1);
  evaluate(state, fixture);
}
BENCHMARK(BM_GarbleReluBatch);
BENCHMARK(BM_EvaluateReluBatch);
BENCHMARK(BM_GarbleAes);
BENCHMARK(BM_EvaluateAes);

}  // namespace
}  // namespace pinas::crypto
