// `pinas gc run`: a Bristol Fashion circuit garbled and evaluated by two
// parties over TCP. `pinas bench gc` and `pinas bench relu`: garbling
// throughput and per-ReLU costs of the exact (Delphi-style) and Circa ReLUs.
#include <chrono>
#include <exception>
#include <fstream>
#include <future>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "crypto/circuits/bristol_reader.h"
#include "crypto/circuits/hex_bits.h"
#include "crypto/circuits/share_circuits.h"
#include "crypto/gc/circa_relu_evaluator.h"
#include "crypto/gc/circa_relu_garbler.h"
#include "crypto/gc/evaluator.h"
#include "crypto/gc/evaluator_party.h"
#include "crypto/gc/garbler.h"
#include "crypto/gc/garbler_party.h"
#include "crypto/gc/share_circuit_evaluator.h"
#include "crypto/gc/share_circuit_garbler.h"
#include "crypto/net/tcp_channel.h"
#include "crypto/net/tcp_listener.h"
#include "crypto/primitives/prg.h"
#include "nas/cli/command_registry.h"
#include "nas/cli/endpoint.h"
#include "proto/error.h"

namespace pinas::cli {
namespace {

using Clock = std::chrono::steady_clock;
using crypto::Block;
using crypto::Circuit;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// ---------------------------------------------------------------- gc run

struct GcRunOptions {
  std::string circuit;
  std::vector<std::string> inputs;
  std::string role = "both";
  std::string port;  // garbler: checked by parse_port
  std::string connect;
  std::string bind = "127.0.0.1";
};

// The garbler's input bits (group 0) from `values` (either all inputs or just its own).
std::vector<std::uint8_t> input_bits(const Circuit& circuit, const std::vector<std::string>& values,
                                     std::size_t first_group, std::size_t groups) {
  std::vector<std::uint8_t> bits;
  for (std::size_t g = first_group; g < first_group + groups; ++g) {
    auto group_bits = crypto::bits_from_hex(values[g - first_group], circuit.input_sizes()[g],
                                            "gc run: input " + std::to_string(g + 1));
    bits.insert(bits.end(), group_bits.begin(), group_bits.end());
  }
  return bits;
}

// Output groups as hex, joined by commas.
std::string output_hex(const Circuit& circuit, const std::vector<std::uint8_t>& bits) {
  std::string text;
  std::size_t position = 0;
  for (std::uint32_t size : circuit.output_sizes()) {
    if (!text.empty()) text += ",";
    text += crypto::hex_from_bits(std::span<const std::uint8_t>(bits).subspan(position, size));
    position += size;
  }
  return text;
}

void run_gc(const GcRunOptions& options) {
  // Ports first, before the circuit is read: a typo fails at once.
  const std::uint16_t listen_port =
      options.port.empty()
          ? 0
          : parse_port(options.port, "gc run --port",
                       options.role == "garbler" ? PortZero::kRefused : PortZero::kAllowed);
  const Endpoint garbler =
      options.connect.empty() ? Endpoint{} : parse_endpoint(options.connect, "gc run --connect");
  Circuit circuit = crypto::read_bristol_file(options.circuit);
  const std::size_t groups = circuit.input_sizes().size();
  if (groups < 1) throw pinas::Error("gc run: " + options.circuit + " has no input");
  const std::size_t total = options.inputs.size();
  if (options.role == "both") {
    if (total != groups) {
      throw pinas::Error("gc run: " + options.circuit + " has " + std::to_string(groups) +
                         " inputs, --inputs gives " + std::to_string(total));
    }
    auto garbler_bits = input_bits(circuit, options.inputs, 0, 1);
    auto evaluator_bits =
        input_bits(circuit, {options.inputs.begin() + 1, options.inputs.end()}, 1, groups - 1);
    crypto::TcpListener listener(listen_port, options.bind);
    auto garbler_side = std::async(std::launch::async, [&] {
      auto channel = listener.accept(std::chrono::milliseconds(30000));
      crypto::GarblerParty party(*channel);
      return party.run(circuit, 1, garbler_bits);
    });
    std::vector<std::uint8_t> outputs;
    try {
      auto channel = crypto::TcpChannel::connect(options.bind, listener.port());
      crypto::EvaluatorParty party(*channel);
      outputs = party.run(circuit, 1, evaluator_bits);
    } catch (...) {
      try {
        garbler_side.get();
      } catch (...) {
      }
      throw;
    }
    if (garbler_side.get() != outputs)
      throw pinas::Error("gc run: the garbler and the evaluator disagree");
    std::cout << output_hex(circuit, outputs) << "\n";
  } else if (options.role == "garbler") {
    if (total != 1 && total != groups) {
      throw pinas::Error("gc run: the garbler takes its one input (or all " +
                         std::to_string(groups) + "), got " + std::to_string(total));
    }
    if (options.port.empty()) throw pinas::Error("gc run: --role garbler needs --port");
    auto bits = input_bits(circuit, options.inputs, 0, 1);
    crypto::TcpListener listener(listen_port, options.bind);
    auto channel = listener.accept(std::chrono::milliseconds(60000));
    crypto::GarblerParty party(*channel);
    std::cout << output_hex(circuit, party.run(circuit, 1, bits)) << "\n";
  } else if (options.role == "evaluator") {
    if (total != groups - 1 && total != groups) {
      throw pinas::Error("gc run: the evaluator takes its " + std::to_string(groups - 1) +
                         " input(s) (or all " + std::to_string(groups) + "), got " +
                         std::to_string(total));
    }
    if (options.connect.empty())
      throw pinas::Error("gc run: --role evaluator needs --connect HOST:PORT");
    std::vector<std::string> own(options.inputs.begin() + (total == groups ? 1 : 0),
                                 options.inputs.end());
    auto bits = input_bits(circuit, own, 1, groups - 1);
    auto channel = crypto::TcpChannel::connect(garbler.host, garbler.port);
    crypto::EvaluatorParty party(*channel);
    std::cout << output_hex(circuit, party.run(circuit, 1, bits)) << "\n";
  } else {
    throw pinas::Error("gc run: --role must be garbler, evaluator or both, got '" + options.role +
                       "'");
  }
}

// ---------------------------------------------------------------- bench gc

struct GcBenchOptions {
  bool json = false;
  double seconds = 0.5;
  std::size_t copies = 4096;
  std::string circuit;
};

struct Throughput {
  double cpu_rate = 0;
  double wall_rate = 0;
};

// Runs `step` (which processes `ands` AND gates) until `seconds` of thread
// CPU time have passed; rates in AND gates per second of CPU and of wall time.
template <typename Step>
Throughput measure(std::uint64_t ands, double seconds, Step&& step) {
  step();  // warm-up: buffers, caches, page faults
  double cpu_start = crypto::thread_cpu_seconds();
  auto wall_start = Clock::now();
  std::uint64_t done = 0;
  do {
    step();
    done += ands;
  } while (crypto::thread_cpu_seconds() - cpu_start < seconds);
  return {static_cast<double>(done) / (crypto::thread_cpu_seconds() - cpu_start),
          static_cast<double>(done) / seconds_since(wall_start)};
}

nlohmann::json bench_circuit(const Circuit& circuit, std::size_t copies, double seconds) {
  std::vector<Block> labels(copies * circuit.input_wire_count());
  crypto::Prg prg(Block::from_uint64(7, 7));
  prg.random_blocks(labels.data(), labels.size());
  std::vector<Block> tables(copies * circuit.and_count() * 2),
      outputs(copies * circuit.output_wires().size());
  crypto::Garbler garbler(prg.random_block().with_lsb(true));
  crypto::Evaluator evaluator;
  const std::uint64_t ands = circuit.and_count() * copies;
  Throughput garble =
      measure(ands, seconds, [&] { garbler.garble(circuit, copies, labels, tables, outputs); });
  Throughput evaluate =
      measure(ands, seconds, [&] { evaluator.evaluate(circuit, copies, labels, tables, outputs); });
  nlohmann::json result;
  result["garble_and_per_s"] = garble.cpu_rate;
  result["eval_and_per_s"] = evaluate.cpu_rate;
  result["garble_and_per_s_wall"] = garble.wall_rate;
  result["eval_and_per_s_wall"] = evaluate.wall_rate;
  result["bytes_per_and"] =
      static_cast<double>(tables.size() * sizeof(Block)) / static_cast<double>(ands);
  result["copies"] = copies;
  result["and_gates"] = circuit.and_count();
  return result;
}

std::string load_average() {
  std::ifstream file("/proc/loadavg");
  std::string one;
  file >> one;
  return one;
}

nlohmann::json run_gc_benchmark(const GcBenchOptions& options) {
  if (options.copies == 0 || options.copies > (1u << 20))
    throw pinas::Error("bench gc: --copies must be 1..1048576");
  if (!(options.seconds > 0) || options.seconds > 60)
    throw pinas::Error("bench gc: --seconds must be in (0, 60]");
  nlohmann::json result =
      bench_circuit(crypto::relu_circuit(32, 0), options.copies, options.seconds);
  result["workload"] = "ReLU circuits on 32-bit shares (93 AND each), batch of " +
                       std::to_string(options.copies) + " copies, one thread";
  if (!options.circuit.empty()) {
    Circuit circuit = crypto::read_bristol_file(options.circuit);
    nlohmann::json single = bench_circuit(circuit, 1, options.seconds);
    single["circuit"] = options.circuit;
    result["single_circuit"] = single;
  }
  result["rates_are"] =
      "AND gates per second of thread CPU time (one core); *_wall: per wall-clock second";
  result["load_average_1min"] = load_average();
  result["hardware_threads"] = std::thread::hardware_concurrency();
  return result;
}

// ---------------------------------------------------------------- bench relu

struct ReluBenchOptions {
  std::uint32_t bits = 32;
  int circa = -1;
  std::uint32_t fractional = 0;
  std::size_t count = 4096;
  bool json = false;
};

// Byte counters of one channel, both directions.
std::uint64_t traffic(const crypto::Channel& channel) {
  return channel.bytes_sent() + channel.bytes_received();
}

nlohmann::json run_relu_benchmark(const ReluBenchOptions& options) {
  const bool circa = options.circa >= 0;
  const std::uint32_t bits = options.bits;
  if (options.count == 0 || options.count > (1u << 20))
    throw pinas::Error("bench relu: --count must be 1..1048576");
  if (bits < 8 || bits > 64)
    throw pinas::Error("bench relu: --ring-bits must be 8..64, got " + std::to_string(bits));
  if (circa && static_cast<std::uint32_t>(options.circa) + 2 > bits) {
    throw pinas::Error("bench relu: --circa must be at most --ring-bits - 2");
  }
  // Circa's sign test ignores fractional bits: refused rather than ignored.
  if (circa && options.fractional != 0)
    throw pinas::Error("bench relu: --fractional-bits applies to the exact ReLU, not --circa");
  const std::uint32_t dropped = circa ? static_cast<std::uint32_t>(options.circa) : 0;
  const Circuit exact_circuit = circa ? crypto::circa_sign_circuit(bits, dropped)
                                      : crypto::relu_circuit(bits, options.fractional);
  const std::size_t count = options.count;
  const std::uint64_t mask = crypto::ring_mask(bits);
  crypto::Prg prg(Block::from_uint64(11, 13));
  std::vector<std::uint64_t> x(count), garbler_shares(count), evaluator_shares(count);
  for (std::size_t i = 0; i < count; ++i) {
    x[i] = prg.random_uint64() & mask;
    garbler_shares[i] = prg.random_uint64() & mask;
    evaluator_shares[i] = (x[i] - garbler_shares[i]) & mask;
  }

  crypto::TcpListener listener(0);
  struct GarblerReport {
    std::uint64_t offline_bytes, online_bytes;
    double garble_seconds;
    std::vector<std::uint64_t> shares;
  };
  auto garbler_side = std::async(std::launch::async, [&]() -> GarblerReport {
    auto channel = listener.accept(std::chrono::milliseconds(30000));
    crypto::GarblerParty party(*channel);
    GarblerReport report{};
    std::uint64_t before = traffic(*channel);
    if (circa) {
      crypto::CircaReluGarbler garbler(party, bits, dropped);
      garbler.offline(count);
      report.offline_bytes = traffic(*channel) - before;
      channel->receive_uint64();  // the evaluator is ready for the online phase
      before = traffic(*channel);
      report.shares = garbler.online(garbler_shares);
      report.garble_seconds = garbler.garble_seconds();
    } else {
      crypto::ShareCircuitGarbler garbler(party, exact_circuit, bits);
      report.shares = garbler.offline(count);
      report.offline_bytes = traffic(*channel) - before;
      channel->receive_uint64();
      before = traffic(*channel);
      garbler.online(garbler_shares);
      report.garble_seconds = garbler.garble_seconds();
    }
    report.online_bytes = traffic(*channel) - before;
    return report;
  });

  std::vector<std::uint64_t> evaluator_out;
  double evaluate_seconds = 0, online_wall = 0;
  try {
    auto channel = crypto::TcpChannel::connect("127.0.0.1", listener.port());
    crypto::EvaluatorParty party(*channel);
    if (circa) {
      crypto::CircaReluEvaluator evaluator(party, bits, dropped);
      evaluator.offline(evaluator_shares);
      channel->send_uint64(1);
      channel->flush();
      auto start = Clock::now();
      evaluator_out = evaluator.online();
      online_wall = seconds_since(start);
      evaluate_seconds = evaluator.evaluate_seconds();
    } else {
      crypto::ShareCircuitEvaluator evaluator(party, exact_circuit, bits);
      evaluator.offline(evaluator_shares);
      channel->send_uint64(1);
      channel->flush();
      auto start = Clock::now();
      evaluator_out = evaluator.online();
      online_wall = seconds_since(start);
      evaluate_seconds = evaluator.evaluate_seconds();
    }
  } catch (...) {
    try {
      garbler_side.get();
    } catch (...) {
    }
    throw;
  }
  GarblerReport report = garbler_side.get();

  std::size_t faulty = 0;
  for (std::size_t i = 0; i < count; ++i) {
    std::uint64_t result = (report.shares[i] + evaluator_out[i]) & mask;
    if (result != crypto::relu_reference(x[i], bits, circa ? 0 : options.fractional)) ++faulty;
  }
  if (!circa && faulty > 0) {
    throw pinas::Error("bench relu: " + std::to_string(faulty) +
                       " exact ReLU outputs disagree with plaintext");
  }
  const double n = static_cast<double>(count);
  nlohmann::json result;
  result["protocol"] = circa ? "circa stochastic ReLU (GC sign test + 2 ring COTs)"
                             : "exact ReLU in GC (Delphi style)";
  result["bits"] = bits;
  if (circa) result["dropped_bits"] = dropped;
  if (!circa) result["fractional_bits"] = options.fractional;
  result["relus"] = count;
  result["and_gates_per_relu"] = exact_circuit.and_count();
  result["gc_bytes_per_relu"] = exact_circuit.and_count() * 32;
  result["offline_bytes_per_relu"] = static_cast<double>(report.offline_bytes) / n;
  result["online_bytes_per_relu"] = static_cast<double>(report.online_bytes) / n;
  result["garble_us_per_relu"] = report.garble_seconds / n * 1e6;
  result["eval_us_per_relu"] = evaluate_seconds / n * 1e6;
  result["online_wall_us_per_relu"] = online_wall / n * 1e6;
  result["faulty_outputs"] = faulty;
  result["timing_is"] =
      "garble/eval: thread CPU time of the GC computation; online_wall: the evaluator's whole "
      "online phase over loopback TCP";
  result["load_average_1min"] = load_average();
  return result;
}

const CommandRegistration registration("gc", [](CLI::App& app) {
  CLI::App* gc = subcommand_group(app, "gc", "Garbled circuits (half-gates) between two parties");
  auto run_options = std::make_shared<GcRunOptions>();
  CLI::App* run =
      gc->add_subcommand("run", "Garble and evaluate a Bristol Fashion circuit over TCP");
  run->add_option("--circuit", run_options->circuit, "Bristol Fashion circuit file")->required();
  run->add_option("--inputs", run_options->inputs,
                  "inputs in hex, one per input group (wire j = bit j); the first is the garbler's")
      ->required()
      ->delimiter(',');
  run->add_option("--role", run_options->role, "both (two threads, default), garbler or evaluator");
  run->add_option("--port", run_options->port, "garbler: port to listen on");
  run->add_option("--connect", run_options->connect, "evaluator: HOST:PORT of the garbler");
  run->add_option("--bind", run_options->bind, "garbler: address to listen on (default 127.0.0.1)");
  run->callback([run_options] { run_gc(*run_options); });

  CLI::App* bench = subcommand_group(app, "bench", "Benchmarks of the runtime's layers");
  auto gc_options = std::make_shared<GcBenchOptions>();
  CLI::App* bench_gc =
      bench->add_subcommand("gc", "Half-gates garbling and evaluation throughput on one core");
  bench_gc->add_option("--copies", gc_options->copies,
                       "ReLU circuit copies per batch (default 4096)");
  bench_gc->add_option("--seconds", gc_options->seconds,
                       "CPU seconds per measurement (default 0.5)");
  bench_gc->add_option("--circuit", gc_options->circuit,
                       "also measure one copy of this Bristol circuit");
  bench_gc->add_flag("--json", gc_options->json, "print one JSON document");
  bench_gc->callback([gc_options] {
    nlohmann::json result = run_gc_benchmark(*gc_options);
    if (gc_options->json) {
      std::cout << result.dump(2) << "\n";
      return;
    }
    std::cout << "garbling:   " << result["garble_and_per_s"].get<double>() / 1e6
              << " M AND/s per core\n"
              << "evaluation: " << result["eval_and_per_s"].get<double>() / 1e6
              << " M AND/s per core\n"
              << "tables:     " << result["bytes_per_and"].get<double>() << " bytes per AND\n";
  });

  auto relu_options = std::make_shared<ReluBenchOptions>();
  CLI::App* bench_relu =
      bench->add_subcommand("relu", "Cost of ReLUs on secret shares (exact GC, or Circa)");
  // The same names and meanings as the fixed-point options of serve, eval
  // and calibrate (--ring-bits, --fractional-bits, --circa K).
  bench_relu->add_option("--ring-bits", relu_options->bits, "ring width ℓ (8..64)")->required();
  bench_relu->add_option("--circa", relu_options->circa,
                         "use Circa's stochastic ReLU dropping K low bits (K >= 0; without it, "
                         "exact ReLUs)")
      ->check(CLI::NonNegativeNumber);
  bench_relu->add_option("--fractional-bits", relu_options->fractional,
                         "exact ReLU: fractional bits truncated after the ReLU");
  bench_relu->add_option("--count", relu_options->count, "ReLUs in the batch (default 4096)");
  bench_relu->add_flag("--json", relu_options->json, "print one JSON document");
  bench_relu->callback([relu_options] {
    nlohmann::json result = run_relu_benchmark(*relu_options);
    if (relu_options->json) {
      std::cout << result.dump(2) << "\n";
      return;
    }
    for (auto& [key, value] : result.items()) std::cout << key << ": " << value.dump() << "\n";
  });
});

}  // namespace
}  // namespace pinas::cli
