// `pinas calibrate`: measures the PI cost model's unit costs (cost_models/
// pi_cost_model.h) on this machine with real two-party private inferences
// over loopback TCP, and checks the fitted model against what it measured.
#include <fmt/format.h>
#include <google/protobuf/util/json_util.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <exception>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <thread>

#include "cost_models/calibration_fit.h"
#include "cost_models/layer_features.h"
#include "cost_models/pi_cost_model.h"
#include "crypto/net/two_party_loopback.h"
#include "crypto/pi/client_session.h"
#include "crypto/pi/fixed_point_config.h"
#include "crypto/pi/fixed_point_network.h"
#include "crypto/pi/he_linear_preprocessing.h"
#include "crypto/pi/random_model.h"
#include "crypto/pi/server_session.h"
#include "nas/cli/calibration_observations.h"
#include "nas/cli/calibration_probe.h"
#include "nas/cli/command_registry.h"
#include "search_spaces/cost_report.h"
#include "search_spaces/model_file.h"
#include "search_spaces/presets.h"
#include "search_spaces/search_space.h"

namespace pinas::cli {
namespace {

struct CalibrateOptions {
  unsigned ring_bits = pi::FixedPointConfig{}.ring_bits;
  unsigned fractional_bits = pi::FixedPointConfig{}.fractional_bits;
  int circa = -1;  // Circa's dropped bits K; -1: exact ReLUs (as --circa everywhere)
  std::string network = "lan";
  std::string out;
  int probes_per_space = 2;
  int size = 32;
  std::string linear = "he";
  bool validate = false;
  std::uint64_t seed = 1;
  bool json = false;
  std::string observations_out;  // --observations: the raw measurements, JSON
  int repeats = 1;               // --repeats: runs of each held-out network
  int probe_repeats = 3;         // --probe-repeats: runs of each probe, every run a row of the fit
};

std::string describe_host() {
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  const std::time_t now = std::time(nullptr);
  char date[32] = {};
  std::strftime(date, sizeof(date), "%Y-%m-%d", std::gmtime(&now));
  return fmt::format("{}, {} cores, {}", host, std::thread::hardware_concurrency(), date);
}

double relative_error(double predicted, double measured) {
  return measured > 0 ? (predicted - measured) / measured : 0.0;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// (max - min) / median; 0 for one run.
double spread(const std::vector<double>& values) {
  const auto [low, high] = std::minmax_element(values.begin(), values.end());
  const double middle = median(values);
  return middle > 0 ? (*high - *low) / middle : 0.0;
}

// `--validate`: networks the fit never saw (presets, one new sample of every
// space, reduced models), run for real and compared with the model's
// loopback prediction. Prints the error per network and the summary.

nlohmann::json validate(const pb::PiCalibration& calibration, const pi::FixedPointConfig& config,
                        const CalibrateOptions& options) {
  pb::PiCalibration loopback = calibration;
  *loopback.mutable_network() = cost::network_preset("loopback");
  const cost::PiCostModel model(loopback);
  struct HeldOut {
    std::string label;
    spaces::Architecture architecture;
    bool mixed = false;
  };
  std::vector<HeldOut> held_out;
  for (const char* preset : {"cryptonas-cnet1", "resnet32-cifar"}) {
    held_out.push_back({preset, spaces::make_preset(preset), false});
  }
  std::mt19937_64 random(options.seed + 7919);  // not the probes' seed
  for (const std::string& name : spaces::search_space_names()) {
    const auto space = spaces::make_search_space(name);
    auto architecture = space->build(space->sample(random), {3, options.size, options.size}, 10);
    held_out.push_back({name + " sample", architecture, false});
    if (name == "cryptonas" || name == "nb201") {
      held_out.push_back({name + " sample, reduced", std::move(architecture), true});
    }
  }
  nlohmann::json rows = nlohmann::json::array();
  double online_sum = 0, online_max = 0, offline_sum = 0, offline_max = 0;
  double online_noise = 0, offline_noise = 0;
  if (!options.json) {
    std::cout << fmt::format(
        "\nvalidation (held out, loopback; median of {} runs, spread = (max - min) / median):\n"
        "{:<28} {:>9} {:>9} {:>7} {:>7} {:>9} {:>9} {:>7} {:>7}\n",
        options.repeats, "network", "online s", "predicted", "error", "spread", "offline s",
        "predicted", "error", "spread");
  }
  // --repeats runs of the same network and weights: the median is what the
  // prediction is judged against, the spread is the machine's own noise. The
  // runs go round-robin over the networks: the host's slow spells last
  // seconds to minutes, and back-to-back repeats of one network would all
  // fall into one spell and bias that network's median.
  const auto count_of_runs = static_cast<std::size_t>(options.repeats);
  std::vector<std::vector<double>> online_of(held_out.size()), offline_of(held_out.size());
  std::vector<std::optional<Probe>> last_run(held_out.size());
  for (std::size_t repeat = 0; repeat < count_of_runs; ++repeat) {
    for (std::size_t i = 0; i < held_out.size(); ++i) {
      if (!options.json && repeat == 0) {
        std::cerr << fmt::format("calibrate: validating on {}\n", held_out[i].label);
      }
      last_run[i] =
          run_probe(held_out[i].architecture, config, options.seed + 100 + i, held_out[i].mixed);
      online_of[i].push_back(last_run[i]->client.report.online.seconds);
      offline_of[i].push_back(last_run[i]->client.report.offline.seconds);
    }
  }
  for (std::size_t i = 0; i < held_out.size(); ++i) {
    HeldOut& network = held_out[i];
    const std::vector<double>& online_runs = online_of[i];
    const std::vector<double>& offline_runs = offline_of[i];
    const std::optional<Probe>& probe = last_run[i];
    const auto estimate = model.estimate(probe->architecture);
    const double online_seconds = median(online_runs), offline_seconds = median(offline_runs);
    const double online_spread = spread(online_runs), offline_spread = spread(offline_runs);
    online_noise = std::max(online_noise, online_spread);
    offline_noise = std::max(offline_noise, offline_spread);
    const double online_error = relative_error(estimate.online_seconds, online_seconds);
    const double offline_error = relative_error(estimate.offline_seconds, offline_seconds);
    online_sum += std::abs(online_error);
    offline_sum += std::abs(offline_error);
    online_max = std::max(online_max, std::abs(online_error));
    offline_max = std::max(offline_max, std::abs(offline_error));
    rows.push_back({{"network", network.label},
                    {"genotype", probe->architecture.genotype()},
                    {"online_s", online_seconds},
                    {"predicted_online_s", estimate.online_seconds},
                    {"online_error", online_error},
                    {"online_spread", online_spread},
                    {"offline_s", offline_seconds},
                    {"predicted_offline_s", estimate.offline_seconds},
                    {"offline_error", offline_error},
                    {"offline_spread", offline_spread},
                    {"repeats", options.repeats}});
    if (!options.json) {
      std::cout << fmt::format(
          "{:<28} {:>9.4f} {:>9.4f} {:>+6.1f}% {:>6.1f}% {:>9.4f} {:>9.4f} {:>+6.1f}% {:>6.1f}%\n",
          network.label, online_seconds, estimate.online_seconds, 100 * online_error,
          100 * online_spread, offline_seconds, estimate.offline_seconds, 100 * offline_error,
          100 * offline_spread);
    }
  }
  const double count = static_cast<double>(held_out.size());
  nlohmann::json summary = {{"networks", held_out.size()},
                            {"online_mean_absolute_error", online_sum / count},
                            {"online_max_absolute_error", online_max},
                            {"offline_mean_absolute_error", offline_sum / count},
                            {"offline_max_absolute_error", offline_max},
                            {"repeats", options.repeats},
                            {"online_max_spread", online_noise},
                            {"offline_max_spread", offline_noise}};
  if (!options.json) {
    std::cout << fmt::format(
        "online seconds: mean absolute error {:.1f}%, max {:.1f}%; offline seconds: mean {:.1f}%, "
        "max "
        "{:.1f}% ({} networks); largest run-to-run spread: online {:.1f}%, offline {:.1f}%\n",
        100 * online_sum / count, 100 * online_max, 100 * offline_sum / count, 100 * offline_max,
        held_out.size(), 100 * online_noise, 100 * offline_noise);
  }
  return {{"rows", rows}, {"summary", summary}};
}

void calibrate(const CalibrateOptions& options) {
  pi::FixedPointConfig config;
  config.ring_bits = options.ring_bits;
  config.fractional_bits = options.fractional_bits;
  if (options.linear != "he" && options.linear != "ot") {
    throw Error("--linear must be he or ot, got '" + options.linear + "'");
  }
  config.linear_backend = options.linear == "he" ? pi::LinearBackend::kHe : pi::LinearBackend::kOt;
  const bool circa = options.circa >= 0;
  if (circa) {
    config.relu_mode = pi::ReluMode::kCirca;
    config.circa_dropped_bits = static_cast<std::uint32_t>(options.circa);
  }
  config.validate();
  if (options.probes_per_space < 1) throw Error("--probes must be at least 1");
  if (options.size < 4) throw Error("--size must be at least 4");

  struct Planned {
    spaces::Architecture architecture;
    std::uint64_t seed = 0;
    bool mixed = false;
  };
  std::vector<Planned> planned;
  std::mt19937_64 random(options.seed);
  for (const std::string& name : spaces::search_space_names()) {
    const auto space = spaces::make_search_space(name);
    for (int i = 0; i < options.probes_per_space; ++i) {
      auto architecture = space->build(space->sample(random), {3, options.size, options.size}, 10);
      // Every second probe has mixed activations, as reduction exports them,
      // so the polynomial unit costs are fitted (without, they came out 0).
      const bool mixed = i % 2 == 1;
      if (!options.json)
        std::cerr << fmt::format("calibrate: probe {}{} ({})\n", name,
                                 mixed ? ", mixed activations" : "", architecture.genotype());
      planned.push_back({std::move(architecture), options.seed + planned.size(), mixed});
    }
  }
  // Every run of a probe is its own rows: the fit averages run-to-run noise.
  // The runs go round-robin over the probes, as in validate(), so a slow
  // spell of the host lands on several probes once, not on one probe's every run.
  const auto repeats = static_cast<std::size_t>(options.probe_repeats);
  std::vector<std::optional<Probe>> runs(planned.size() * repeats);
  for (std::size_t run = 0; run < repeats; ++run) {
    for (std::size_t i = 0; i < planned.size(); ++i) {
      runs[i * repeats + run] =
          run_probe(planned[i].architecture, config, planned[i].seed, planned[i].mixed);
    }
  }
  std::vector<Probe> probes;
  probes.reserve(runs.size());
  for (auto& probe : runs) probes.push_back(std::move(*probe));
  // The unit costs come from every probe's layers; the checks below show how
  // well the linear model reproduces each probe's totals.
  pb::PiCalibration calibration;
  calibration.set_ring_bits(static_cast<int>(config.ring_bits));
  calibration.set_fractional_bits(static_cast<int>(config.fractional_bits));
  calibration.set_weight_bits(static_cast<int>(config.effective_weight_bits()));
  calibration.set_scale_limit(static_cast<int>(config.effective_scale_limit()));
  calibration.set_circa_relu(circa);
  calibration.set_circa_truncated_bits(circa ? options.circa : 0);
  calibration.set_linear_backend(options.linear);  // what the probes ran
  const cost::ProtocolParameters parameters = cost::protocol_parameters(calibration);
  cost::CalibrationObservations observations;
  for (const Probe& probe : probes) add_observations(probe, config, parameters, observations);
  *calibration.mutable_unit_costs() = cost::fit_unit_costs(observations, circa);
  if (!options.observations_out.empty()) write_observations(observations, options.observations_out);
  calibration.set_measured_on(describe_host());
  calibration.set_source(
      fmt::format("pinas calibrate, {} probes of {}x{} inputs, {} run{} each",
                  probes.size() / static_cast<std::size_t>(options.probe_repeats), options.size,
                  options.size, options.probe_repeats, options.probe_repeats == 1 ? "" : "s"));

  // How well the fitted model reproduces each probe (loopback: no network).
  pb::PiCalibration loopback = calibration;
  *loopback.mutable_network() = cost::network_preset("loopback");
  const cost::PiCostModel model(loopback);
  nlohmann::json checks = nlohmann::json::array();
  for (const Probe& probe : probes) {
    const auto estimate = model.estimate(probe.architecture);
    const auto& report = probe.client.report;
    const double offline_bytes =
        static_cast<double>(report.offline.bytes_sent + report.offline.bytes_received);
    const double online_bytes =
        static_cast<double>(report.online.bytes_sent + report.online.bytes_received);
    checks.push_back({{"architecture", probe.architecture.genotype()},
                      {"relus", spaces::analyze(probe.architecture).relus},
                      {"offline_bytes", offline_bytes},
                      {"predicted_offline_bytes", estimate.offline_bytes},
                      {"online_bytes", online_bytes},
                      {"predicted_online_bytes", estimate.online_bytes},
                      {"online_s", report.online.seconds},
                      {"predicted_online_s", estimate.online_seconds}});
  }
  *calibration.mutable_network() = cost::network_preset(options.network);
  if (!options.out.empty()) cost::save_calibration(calibration, options.out);

  if (options.json) {
    std::string text;
    google::protobuf::util::MessageToJsonString(calibration, &text);
    nlohmann::json result{{"calibration", nlohmann::json::parse(text)}, {"checks", checks}};
    if (options.validate) result["validation"] = validate(calibration, config, options);
    std::cout << result.dump(2) << "\n";
    return;
  }
  std::cout << fmt::format("{:<44} {:>8} {:>12} {:>12} {:>11} {:>11} {:>9} {:>9}\n", "probe",
                           "ReLUs", "offline B", "predicted", "online B", "predicted", "online s",
                           "predicted");
  for (const auto& check : checks) {
    std::string name = check["architecture"].get<std::string>();
    if (name.size() > 44) name = name.substr(0, 41) + "...";
    std::cout << fmt::format(
        "{:<44} {:>8} {:>12.0f} {:>12.0f} {:>11.0f} {:>11.0f} {:>9.4f} {:>9.4f}\n", name,
        check["relus"].get<std::int64_t>(), check["offline_bytes"].get<double>(),
        check["predicted_offline_bytes"].get<double>(), check["online_bytes"].get<double>(),
        check["predicted_online_bytes"].get<double>(), check["online_s"].get<double>(),
        check["predicted_online_s"].get<double>());
  }
  const pb::UnitCosts& unit = calibration.unit_costs();
  std::cout << fmt::format(
      "\nper ReLU: {:.0f} B offline, {:.0f} B online, {:.2f} us offline, {:.2f} us online\n"
      "per garbled batch: {:.2f} ms offline, {:.3f} ms online; online per AND {:.2f} ns, per byte "
      "{:.3f} ns; per linear layer online: {:.3f} ms\n"
      "per linear-layer OT: {:.2f} B; per MAC online: {:.2f} ns; per session: {:.1f} ms "
      "offline, {:.1f} ms online\n",
      unit.relu_offline_bytes(), unit.relu_online_bytes(), unit.relu_offline_seconds() * 1e6,
      unit.relu_online_seconds() * 1e6, unit.garbled_offline_seconds_per_batch() * 1e3,
      unit.garbled_online_seconds_per_batch() * 1e3, unit.garbled_online_seconds_per_and() * 1e9,
      unit.garbled_online_seconds_per_byte() * 1e9, unit.linear_online_seconds_per_layer() * 1e3,
      unit.linear_offline_bytes_per_ot(), unit.linear_online_seconds_per_mac() * 1e9,
      unit.offline_seconds_per_session() * 1e3, unit.online_seconds_per_session() * 1e3);
  if (!options.out.empty()) std::cout << "calibration written to " << options.out << "\n";
  if (options.validate) validate(calibration, config, options);
}

const CommandRegistration registration("calibrate", [](CLI::App& app) {
  auto options = std::make_shared<CalibrateOptions>();
  CLI::App* command = app.add_subcommand(
      "calibrate",
      "Measure the PI cost model's unit costs on this machine with real two-party runs");
  command->add_option("--ring-bits", options->ring_bits, "ℓ of the protocol")
      ->capture_default_str();
  command->add_option("--fractional-bits", options->fractional_bits, "f of the protocol")
      ->capture_default_str();
  command
      ->add_option("--circa", options->circa,
                   "calibrate Circa's stochastic ReLU dropping K low bits (K >= 0; without it, "
                   "exact ReLUs)")
      ->check(CLI::NonNegativeNumber);
  command
      ->add_option("--network", options->network,
                   "Network model stored with it: loopback, lan or wan")
      ->capture_default_str();
  command
      ->add_option("--probes", options->probes_per_space, "Random architectures per search space")
      ->capture_default_str();
  command->add_option("--size", options->size, "Probe input height and width")
      ->capture_default_str();
  command->add_option("--linear", options->linear, "Linear backend to calibrate: he or ot")
      ->capture_default_str();
  command->add_flag(
      "--validate", options->validate,
      "Then run held-out networks (presets, new samples of every space, reduced models) "
      "and print the error per network");
  command->add_option("--seed", options->seed, "Seed of the probe architectures and weights");
  command->add_option("--out", options->out, "Write the calibration (protobuf text) here");
  command->add_flag("--json", options->json, "Print the calibration and the checks as JSON");
  command
      ->add_option("--repeats", options->repeats,
                   "With --validate: run each held-out network this many times and compare "
                   "the prediction with the median (the spread shows the machine's noise)")
      ->check(CLI::Range(1, 100));
  command
      ->add_option("--probe-repeats", options->probe_repeats,
                   "Run each probe this many times (same network and weights); every run is a row "
                   "of the fit, so the fitted unit costs average the machine's run-to-run noise")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  command->add_option("--observations", options->observations_out,
                      "Write every measurement the fit used (garbled batches, linear layers, "
                      "sessions) to this JSON file, to study or refit it");
  command->callback([options] { calibrate(*options); });
});

}  // namespace
}  // namespace pinas::cli
