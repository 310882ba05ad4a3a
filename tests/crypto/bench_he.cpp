// Google Benchmarks of the homomorphic-encryption core at the backend's
// parameters (N = 8192): the NTT of one prime, a kernel polynomial's
// transform and multiply-accumulate, the server's finish (re-randomize,
// mask, flood, switch), and a whole CIFAR-sized HomConv layer on one core.
// Run: build/tests/crypto/bench_he [--benchmark_filter=Ntt]
#include <benchmark/benchmark.h>

#include <random>

#include "crypto/he/conv_packing.h"
#include "crypto/he/encryptor.h"
#include "crypto/he/evaluator.h"
#include "crypto/he/he_context.h"
#include "crypto/he/keys.h"
#include "crypto/he/noise_budget.h"
#include "crypto/he/sampler.h"

namespace pinas::he {
namespace {

const HeContext& context() {
  static const HeContext instance(HeParameters::standard(48, 3));
  return instance;
}

void BM_NttForward(benchmark::State& state) {
  const auto& tables = context().tables(0);
  std::vector<std::uint64_t> values(tables.degree());
  std::mt19937_64 random(1);
  for (auto& v : values) v = random() % tables.modulus().value();
  for (auto _ : state) {
    tables.forward(values);
    benchmark::DoNotOptimize(values.data());
  }
}
BENCHMARK(BM_NttForward);

void BM_NttInverse(benchmark::State& state) {
  const auto& tables = context().tables(0);
  std::vector<std::uint64_t> values(tables.degree(), 3);
  for (auto _ : state) {
    tables.inverse(values);
    benchmark::DoNotOptimize(values.data());
  }
}
BENCHMARK(BM_NttInverse);

// One (output block, input block) product: the kernel's transform and the MAC.
void BM_KernelProduct(benchmark::State& state) {
  crypto::Prg prg(crypto::Block::from_uint64(1, 1));
  const auto secret = generate_secret_key(context(), prg);
  Encryptor encryptor(context(), prg);
  std::vector<std::uint64_t> m(context().degree(), 1);
  const auto ciphertext =
      expand(context(), encryptor.encrypt_symmetric(secret, m, prg.random_block()));
  Evaluator evaluator(context());
  std::vector<std::int64_t> kernel(context().degree(), 0);
  for (std::size_t i = 0; i < kernel.size(); i += 11)
    kernel[i] = static_cast<std::int64_t>(i % 1000) - 500;
  Ciphertext accumulator;
  for (auto _ : state) {
    evaluator.multiply_accumulate(accumulator, ciphertext, evaluator.transform_plaintext(kernel));
    benchmark::DoNotOptimize(accumulator.a.data());
  }
}
BENCHMARK(BM_KernelProduct);

// Re-randomization, masking, flooding and switching of one output ciphertext.
void BM_Finish(benchmark::State& state) {
  crypto::Prg prg(crypto::Block::from_uint64(2, 2));
  const auto secret = generate_secret_key(context(), prg);
  const auto key = generate_public_key(context(), secret, prg.random_block(), prg);
  Encryptor encryptor(context(), prg);
  Evaluator evaluator(context());
  Sampler sampler(prg);
  std::vector<std::uint32_t> positions(1024);
  for (std::size_t i = 0; i < positions.size(); ++i)
    positions[i] = static_cast<std::uint32_t>(4 * i);
  std::vector<std::uint64_t> mask(positions.size(), 5);
  const Ciphertext accumulator{context().zero(), context().zero()};
  for (auto _ : state) {
    auto flood = sampler.flood(positions.size(), 83);
    auto result = evaluator.finish(accumulator, encryptor.encrypt_zero(key), positions, mask, flood,
                                   context().parameters().switched_bits());
    benchmark::DoNotOptimize(result.a.data());
  }
}
BENCHMARK(BM_Finish);

}  // namespace
}  // namespace pinas::he
