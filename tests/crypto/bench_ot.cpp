// Google Benchmarks of the OT layer: AES-NI, the PRG, the correlation-robust
// hash, the bit-matrix transpose, Chou–Orlandi base OTs and IKNP extension
// (correlated and random OT) over loopback TCP with two threads.
// Run: build-X/tests/crypto/bench_ot [--benchmark_filter=Iknp]
#include <benchmark/benchmark.h>

#include <exception>
#include <memory>
#include <thread>
#include <vector>

#include "crypto/net/local_channel.h"
#include "crypto/net/tcp_channel.h"
#include "crypto/net/tcp_listener.h"
#include "crypto/ot/base_ot_receiver.h"
#include "crypto/ot/base_ot_sender.h"
#include "crypto/ot/iknp_receiver.h"
#include "crypto/ot/iknp_sender.h"
#include "crypto/primitives/aes.h"
#include "crypto/primitives/bit_matrix_transpose.h"
#include "crypto/primitives/correlation_robust_hash.h"
#include "crypto/primitives/prg.h"

namespace pinas::crypto {
namespace {

void BM_AesEncryptBlocks(benchmark::State& state) {
  Aes aes(Block::from_uint64(1, 2));
  std::vector<Block> data(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    aes.encrypt_in_place(data.data(), data.size());
    benchmark::DoNotOptimize(data.data());
  }
  state.SetBytesProcessed(state.iterations() * state.range(0) * 16);
}
BENCHMARK(BM_AesEncryptBlocks)->Arg(1024);

void BM_PrgRandomBlocks(benchmark::State& state) {
  Prg prg(Block::from_uint64(3, 4));
  std::vector<Block> data(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    prg.random_blocks(data.data(), data.size());
    benchmark::DoNotOptimize(data.data());
  }
  state.SetBytesProcessed(state.iterations() * state.range(0) * 16);
}
BENCHMARK(BM_PrgRandomBlocks)->Arg(1024);

void BM_CorrelationRobustHash(benchmark::State& state) {
  std::vector<Block> data(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    CorrelationRobustHash::hash_blocks(data.data(), data.data(), data.size(), 0);
    benchmark::DoNotOptimize(data.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_CorrelationRobustHash)->Arg(1024);

void BM_TransposeIknpChunk(benchmark::State& state) {
  const size_t columns = static_cast<size_t>(state.range(0));
  std::vector<uint8_t> in(128 * columns / 8), out(in.size());
  Prg prg(Block::from_uint64(5, 6));
  prg.random_bytes(in.data(), in.size());
  for (auto _ : state) {
    transpose_bit_matrix(in.data(), out.data(), 128, columns);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(columns));  // rows out = OTs
}
BENCHMARK(BM_TransposeIknpChunk)->Arg(16384);

void BM_Transpose128x128(benchmark::State& state) {
  std::vector<Block> rows(128);
  for (auto _ : state) {
    transpose_128x128(rows.data());
    benchmark::DoNotOptimize(rows.data());
  }
}
BENCHMARK(BM_Transpose128x128);

void BM_BaseOt128(benchmark::State& state) {
  auto [first, second] = LocalChannel::create_pair();
  std::vector<Block> zero(128), one(128), received(128);
  BitVector choices(128);
  for (auto _ : state) {
    std::thread receiver([&] { BaseOtReceiver::receive(*second, choices, received); });
    BaseOtSender::send(*first, zero, one);
    receiver.join();
  }
}
BENCHMARK(BM_BaseOt128)->Unit(benchmark::kMillisecond);

// IKNP over loopback TCP. The receiver thread serves requests until the
// sender sends 0: each request names the flavour (1 correlated, 2 random).
void run_iknp_benchmark(benchmark::State& state, uint64_t flavour) {
  const size_t count = static_cast<size_t>(state.range(0));
  TcpListener listener(0);
  std::exception_ptr receiver_error;
  std::thread receiver_thread([&, port = listener.port()] {
    try {
      auto channel = TcpChannel::connect("127.0.0.1", port);
      IknpReceiver receiver(*channel);
      receiver.setup();
      Prg prg(Block::from_uint64(7, 8));
      BitVector choices = prg.random_bits(count);
      std::vector<Block> received(count);
      for (;;) {
        uint64_t request = channel->receive_uint64();
        if (request == 0) break;
        if (request == 1) receiver.receive_correlated(choices, received);
        if (request == 2) receiver.receive_random(choices, received);
        channel->send_uint64(1);
      }
    } catch (...) {
      receiver_error = std::current_exception();
    }
  });
  {
    auto channel = listener.accept(std::chrono::milliseconds(10000));
    IknpSender sender(*channel);
    sender.setup();
    std::vector<Block> zero(count), one(count);
    for (auto _ : state) {
      channel->send_uint64(flavour);
      channel->flush();
      if (flavour == 1) sender.send_correlated(zero);
      if (flavour == 2) sender.send_random(zero, one);
      channel->receive_uint64();
    }
    channel->send_uint64(0);
    channel->flush();
  }
  receiver_thread.join();
  if (receiver_error) std::rethrow_exception(receiver_error);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(count));
}

void BM_IknpCorrelatedOtTcp(benchmark::State& state) { run_iknp_benchmark(state, 1); }
BENCHMARK(BM_IknpCorrelatedOtTcp)->Arg(1 << 20)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_IknpRandomOtTcp(benchmark::State& state) { run_iknp_benchmark(state, 2); }
BENCHMARK(BM_IknpRandomOtTcp)->Arg(1 << 20)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace pinas::crypto
