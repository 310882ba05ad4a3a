// `pinas bench ot`: throughput of the OT layer, with the sender and the
// receiver in two threads of this process talking over loopback TCP.
#include <chrono>
#include <ctime>
#include <algorithm>
#include <cstdint>
#include <exception>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "crypto/net/tcp_channel.h"
#include "crypto/net/tcp_listener.h"
#include "crypto/ot/iknp_receiver.h"
#include "crypto/ot/iknp_sender.h"
#include "crypto/primitives/prg.h"
#include "nas/cli/command_registry.h"
#include "proto/error.h"

namespace pinas::cli {
namespace {

using Clock = std::chrono::steady_clock;
using crypto::Block;

struct OtBenchOptions {
  uint64_t count = uint64_t{1} << 22;
  int repetitions = 3;
  bool json = false;
};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// CPU time of the calling thread, in nanoseconds: unlike wall time it does
// not count the time other processes hold the cores, so it shows what the
// protocol costs on a loaded machine.
uint64_t thread_cpu_ns() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1000000000u + static_cast<uint64_t>(now.tv_nsec);
}

// Runs the benchmark. The two parties synchronise through the channel itself
// (a "ready" message before each run, a "done" message after it), so a
// failure on either side reaches the other as a ChannelError, never a hang.
nlohmann::json run_ot_benchmark(const OtBenchOptions& options) {
  if (options.count == 0 || options.count > (uint64_t{1} << 27)) {
    throw pinas::Error("bench ot: --count must be between 1 and 134217728, got " +
                       std::to_string(options.count));
  }
  if (options.repetitions < 1) throw pinas::Error("bench ot: --repetitions must be at least 1");
  const size_t count = options.count;
  crypto::TcpListener listener(0);
  const uint16_t port = listener.port();

  std::vector<Block> zero(count), one(count);
  std::vector<Block> received(count);
  crypto::Prg choice_prg(Block::from_uint64(0, 2024));
  const crypto::BitVector choices = choice_prg.random_bits(count);
  std::exception_ptr receiver_error;

  // The receiver thread mirrors the sender's phases.
  std::thread receiver_thread([&] {
    try {
      auto channel = crypto::TcpChannel::connect("127.0.0.1", port);
      crypto::IknpReceiver receiver(*channel);
      receiver.setup();
      for (int flavour = 0; flavour < 2; ++flavour) {
        for (int repetition = 0; repetition < options.repetitions; ++repetition) {
          channel->send_uint64(1);  // ready
          channel->flush();
          const uint64_t cpu_start = thread_cpu_ns();
          if (flavour == 0) receiver.receive_correlated(choices, received);
          if (flavour == 1) receiver.receive_random(choices, received);
          channel->send_uint64(thread_cpu_ns() - cpu_start);  // done, with our CPU time
          channel->flush();
          channel->receive_uint64();  // the sender has checked this run
        }
      }
    } catch (...) {
      receiver_error = std::current_exception();
    }
  });

  nlohmann::json result;
  try {
    auto channel = listener.accept(std::chrono::milliseconds(10000));
    crypto::IknpSender sender(*channel);
    auto setup_start = Clock::now();
    sender.setup();
    result["base_ot_ms"] = seconds_since(setup_start) * 1000.0;

    const char* names[2] = {"cot_per_s", "ot_per_s"};
    uint64_t ot_bytes = 0;
    for (int flavour = 0; flavour < 2; ++flavour) {
      double best = 0;
      double best_cpu_bound = 0;
      std::vector<double> rates;
      for (int repetition = 0; repetition < options.repetitions; ++repetition) {
        channel->receive_uint64();
        auto start = Clock::now();
        const uint64_t cpu_start = thread_cpu_ns();
        uint64_t bytes_before = channel->bytes_received();
        if (flavour == 0) sender.send_correlated(zero);
        if (flavour == 1) sender.send_random(zero, one);
        const uint64_t sender_cpu = thread_cpu_ns() - cpu_start;
        ot_bytes += channel->bytes_received() - bytes_before;
        const uint64_t receiver_cpu = channel->receive_uint64();
        double rate = static_cast<double>(count) / seconds_since(start);
        // With a core per party the slower party bounds the rate.
        double cpu_bound = static_cast<double>(count) * 1e9 /
                           static_cast<double>(std::max<uint64_t>(1, std::max(sender_cpu, receiver_cpu)));
        if (cpu_bound > best_cpu_bound) best_cpu_bound = cpu_bound;
        rates.push_back(rate);
        if (rate > best) best = rate;
        // Check the outputs against the choice bits (a sample keeps this cheap).
        for (size_t j = 0; j < count; j += 997) {
          Block expected = flavour == 0 ? (choices[j] ? zero[j] ^ sender.delta() : zero[j])
                                        : (choices[j] ? one[j] : zero[j]);
          if (received[j] != expected) {
            throw pinas::Error("bench ot: OT " + std::to_string(j) +
                               " disagrees with its choice bit");
          }
        }
        channel->send_uint64(3);
        channel->flush();
      }
      result[names[flavour]] = best;
      result[std::string(names[flavour]) + "_runs"] = rates;
      result[std::string(names[flavour]) + "_cpu_bound"] = best_cpu_bound;
    }
    result["ots_per_run"] = count;
    result["repetitions"] = options.repetitions;
    result["bytes_per_ot"] =
        static_cast<double>(ot_bytes) / static_cast<double>(2 * options.repetitions * count);
    result["transport"] = "loopback TCP, sender and receiver as two threads";
    result["note"] =
        "*_per_s: wall-clock rate, best run; *_per_s_cpu_bound: OTs per CPU-second of the "
        "slower party, the rate with one idle core per party";
    result["hardware_threads"] = std::thread::hardware_concurrency();
  } catch (...) {
    receiver_thread.join();
    if (receiver_error) std::rethrow_exception(receiver_error);
    throw;
  }
  receiver_thread.join();
  if (receiver_error) std::rethrow_exception(receiver_error);
  return result;
}

const CommandRegistration registration("ot", [](CLI::App& app) {
  CLI::App* bench = subcommand_group(app, "bench", "Benchmarks of the runtime's layers");
  auto options = std::make_shared<OtBenchOptions>();
  CLI::App* command = bench->add_subcommand(
      "ot", "IKNP OT extension throughput over loopback TCP (base OTs, correlated and random OT)");
  command->add_option("--count", options->count, "OTs per run (default 4194304)");
  command->add_option("--repetitions", options->repetitions, "runs per flavour; the best is reported");
  command->add_flag("--json", options->json, "print one JSON document");
  command->callback([options] {
    nlohmann::json result = run_ot_benchmark(*options);
    if (options->json) {
      std::cout << result.dump(2) << "\n";
      return;
    }
    std::cout << "base OTs (128, Chou-Orlandi): " << result["base_ot_ms"].get<double>() << " ms\n"
              << "correlated OT: " << result["cot_per_s"].get<double>() / 1e6 << " M/s\n"
              << "random OT:     " << result["ot_per_s"].get<double>() / 1e6 << " M/s\n"
              << "(" << options->count << " OTs per run, best of " << options->repetitions
              << ", loopback TCP)\n";
  });
});

}  // namespace
}  // namespace pinas::cli
