// Whole-network private inference of a preset with random weights, both
// parties in one process over loopback TCP. Reports the costs as counters:
//   bench_pi --benchmark_filter=cnet1            (exact ReLUs, default ℓ and f)
//   PINAS_PI_ARCH=cryptonas-cnet1 PINAS_PI_RING=32 PINAS_PI_CIRCA=12 bench_pi
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <random>

#include "crypto/net/two_party_loopback.h"
#include "crypto/pi/client_session.h"
#include "crypto/pi/random_model.h"
#include "crypto/pi/server_session.h"
#include "search_spaces/model_file.h"
#include "search_spaces/presets.h"

namespace {

using namespace pinas;

unsigned environment(const char* name, unsigned fallback) {
  const char* value = std::getenv(name);
  return value == nullptr ? fallback : static_cast<unsigned>(std::atoi(value));
}

void BM_PrivateInference(benchmark::State& state) {
  const char* arch = std::getenv("PINAS_PI_ARCH");
  auto architecture = spaces::make_preset(arch ? arch : "cryptonas-cnet1").to_proto();
  auto model = pi::random_weight_model(architecture, {});
  pi::FixedPointConfig config;
  config.ring_bits = environment("PINAS_PI_RING", config.ring_bits);
  config.fractional_bits = environment("PINAS_PI_F", config.fractional_bits);
  if (std::getenv("PINAS_PI_CIRCA") != nullptr) {
    config.relu_mode = pi::ReluMode::kCirca;
    config.circa_dropped_bits = environment("PINAS_PI_CIRCA", 12);
  }
  auto network = pi::FixedPointNetwork::compile(model, config);
  const std::string description =
      spaces::encode_model(pi::FixedPointNetwork::public_description(model));
  std::vector<float> pixels(static_cast<std::size_t>(network.input_info().shape.elements()));
  std::mt19937_64 random(1);
  for (auto& pixel : pixels) pixel = static_cast<float>(random() % 256) / 255.0f;
  for (auto _ : state) {
    pi::SessionReport server_report;
    pi::InferenceResult result;
    crypto::run_two_parties_over_loopback(
        [&](crypto::Channel& channel) {
          pi::ServerSession session(network, description, channel);
          server_report = session.run();
        },
        [&](crypto::Channel& channel) {
          pi::ClientSession session(channel);
          result = session.run(pixels);
        });
    const auto& client = result.report;
    state.counters["relus"] = static_cast<double>(network.relu_count());
    state.counters["macs"] = static_cast<double>(network.linear_macs());
    state.counters["offline_MB_up"] = static_cast<double>(client.offline.bytes_sent) / 1e6;
    state.counters["offline_MB_down"] = static_cast<double>(client.offline.bytes_received) / 1e6;
    state.counters["offline_s"] = client.offline.seconds;
    state.counters["online_MB_up"] = static_cast<double>(client.online.bytes_sent) / 1e6;
    state.counters["online_MB_down"] = static_cast<double>(client.online.bytes_received) / 1e6;
    state.counters["online_s"] = client.online.seconds;
    state.counters["rounds"] = static_cast<double>(result.rounds);
    double linear_bytes = 0, linear_s = 0;
    for (const auto& layer : server_report.linear_layers) {
      linear_bytes += static_cast<double>(layer.bytes_sent + layer.bytes_received);
      linear_s += layer.seconds;
    }
    state.counters["linear_offline_MB"] = linear_bytes / 1e6;
    state.counters["linear_offline_s"] = linear_s;
    double relus = 0, offline = 0, online = 0, garble = 0, evaluate = 0, and_gates = 0;
    for (std::size_t i = 0; i < server_report.garbled_layers.size(); ++i) {
      const auto& layer = server_report.garbled_layers[i];
      if (layer.kind != "relu" && layer.kind != "circa") continue;
      relus += static_cast<double>(layer.elements);
      offline += static_cast<double>(layer.offline_bytes);
      online += static_cast<double>(layer.online_bytes);
      garble += layer.crypto_seconds;
      evaluate += result.report.garbled_layers[i].crypto_seconds;
      and_gates = static_cast<double>(layer.and_gates);
    }
    if (relus > 0) {
      state.counters["relu_and_gates"] = and_gates;
      state.counters["relu_offline_B"] = offline / relus;
      state.counters["relu_online_B"] = online / relus;
      state.counters["relu_garble_us"] = garble * 1e6 / relus;
      state.counters["relu_eval_us"] = evaluate * 1e6 / relus;
    }
  }
}
BENCHMARK(BM_PrivateInference)
    ->Name("cnet1")
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

}  // namespace
