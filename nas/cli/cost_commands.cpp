// `pinas cost ARCH`: what an architecture costs to evaluate privately, per
// layer and in total, under the ReLU-count model or the calibrated PI model.
// `pinas cost --batch FILE|-`: one candidate per line in, one JSON line out.
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "cost_models/batch_query.h"
#include "cost_models/pi_cost_model.h"
#include "cost_models/relu_count_cost_model.h"
#include "nas/cli/command_registry.h"
#include "search_spaces/presets.h"

namespace pinas::cli {
namespace {

struct CostOptions {
  std::string architecture;
  std::string model = "relu";
  std::string calibration;
  std::string network;
  std::string batch;
  double bandwidth_mbit = 0;  // 0: the network model's
  double rtt_ms = -1;         // < 0: the network model's
  bool json = false;
};

std::string human_bytes(double bytes) {
  if (bytes >= 1e9) return fmt::format("{:.2f} GB", bytes / 1e9);
  if (bytes >= 1e6) return fmt::format("{:.2f} MB", bytes / 1e6);
  if (bytes >= 1e3) return fmt::format("{:.1f} KB", bytes / 1e3);
  return fmt::format("{:.0f} B", bytes);
}

nlohmann::json features_json(const cost::LayerFeatures& features) {
  return {{"relus", features.relus},
          {"truncations", features.truncations},
          {"comparisons", features.comparisons},
          {"polynomial_elements", features.polynomial_elements},
          {"linear_macs", features.linear_macs},
          {"linear_ots", features.linear_ots},
          {"linear_correction_bytes", features.linear_correction_bytes}};
}

// The cost model the options name (and its calibration, for --model pi).
std::unique_ptr<cost::CostModel> make_model(const CostOptions& options,
                                            pb::PiCalibration& calibration) {
  std::unique_ptr<cost::CostModel> model;
  if (options.model == "relu") {
    // A network or calibration means nothing to a ReLU count: refusing them
    // keeps a forgotten `--model pi` from printing counts that look like latency.
    if (!options.network.empty())
      throw Error("--network applies to --model pi only (the ReLU-count model has no network)");
    if (!options.calibration.empty())
      throw Error("--calibration applies to --model pi only (the ReLU-count model needs none)");
    if (options.bandwidth_mbit != 0 || options.rtt_ms >= 0)
      throw Error("--bandwidth-mbit and --rtt-ms apply to --model pi only");
    model = std::make_unique<cost::ReluCountCostModel>();
  } else if (options.model == "pi") {
    if (options.calibration.empty()) {
      throw Error(
          "--model pi needs --calibration FILE (measure one with `pinas calibrate --out FILE`)");
    }
    calibration = cost::load_calibration(options.calibration);
    if (!options.network.empty())
      *calibration.mutable_network() = cost::network_preset(options.network);
    // An explicit link (a shaped test link, a measured connection) overrides the preset's figures.
    if (options.bandwidth_mbit < 0) throw Error("--bandwidth-mbit must be > 0");
    if (options.bandwidth_mbit > 0)
      calibration.mutable_network()->set_bandwidth_bytes_per_second(options.bandwidth_mbit * 1e6 /
                                                                    8);
    if (options.rtt_ms >= 0)
      calibration.mutable_network()->set_round_trip_seconds(options.rtt_ms / 1e3);
    model = std::make_unique<cost::PiCostModel>(calibration);
  } else {
    throw Error("--model: unknown cost model '" + options.model + "' (known: relu, pi)");
  }
  return model;
}

void print_batch(const CostOptions& options) {
  if (!options.architecture.empty())
    throw Error("--batch reads candidates from FILE|-; give no ARCH");
  pb::PiCalibration calibration;
  const auto model = make_model(options, calibration);
  if (options.batch == "-") {
    std::ios::sync_with_stdio(false);
    cost::run_cost_batch(std::cin, std::cout, *model);
    return;
  }
  std::ifstream in(options.batch);
  if (!in) throw Error(options.batch + ": cannot open for reading");
  cost::run_cost_batch(in, std::cout, *model);
}

void print_cost(const CostOptions& options) {
  if (!options.batch.empty()) {
    print_batch(options);
    return;
  }
  if (options.architecture.empty()) throw Error("cost: give ARCH, or --batch FILE|-");
  const spaces::Architecture architecture = spaces::load_architecture(options.architecture);
  pb::PiCalibration calibration;
  const auto model = make_model(options, calibration);
  const cost::CostEstimate estimate = model->estimate(architecture);
  if (options.json) {
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& layer : estimate.layers) {
      nlohmann::json entry = features_json(layer.features);
      entry["name"] = layer.features.name;
      entry["op"] = spaces::op_name(layer.features.op);
      entry["offline_bytes"] = layer.offline_bytes;
      entry["online_bytes"] = layer.online_bytes;
      entry["offline_s"] = layer.offline_seconds;
      entry["online_s"] = layer.online_seconds;
      layers.push_back(entry);
    }
    nlohmann::json result = features_json(estimate.totals);
    result["architecture"] = architecture.name();
    result["model"] = model->name();
    result["cost"] = estimate.cost;
    result["unit"] = model->unit();
    result["offline_bytes"] = estimate.offline_bytes;
    result["online_bytes"] = estimate.online_bytes;
    result["offline_s"] = estimate.offline_seconds;
    result["online_s"] = estimate.online_seconds;
    result["online_rounds"] = estimate.online_rounds;
    result["layers"] = layers;
    std::cout << result.dump(2) << "\n";
    return;
  }
  std::cout << fmt::format("{:<28} {:<15} {:>9} {:>9} {:>9} {:>11} {:>11} {:>10}\n", "layer", "op",
                           "ReLUs", "trunc", "compare", "offline", "online", "online s");
  for (const auto& layer : estimate.layers) {
    const auto& f = layer.features;
    std::cout << fmt::format("{:<28} {:<15} {:>9} {:>9} {:>9} {:>11} {:>11} {:>10.6f}\n", f.name,
                             spaces::op_name(f.op), f.relus, f.truncations, f.comparisons,
                             human_bytes(layer.offline_bytes), human_bytes(layer.online_bytes),
                             layer.online_seconds);
  }
  std::cout << fmt::format("\n{}: {} ReLUs, {} truncations, {} comparisons, {} linear MACs\n",
                           architecture.name(), estimate.totals.relus, estimate.totals.truncations,
                           estimate.totals.comparisons, estimate.totals.linear_macs);
  if (options.model == "pi") {
    std::cout << fmt::format(
        "predicted ({}, ring {} bits, f {}{}, network {:.0f} MB/s, {:.1f} ms round trip):\n"
        "  offline {} in {:.3f} s\n  online  {} in {:.3f} s over {} rounds\n",
        calibration.source().empty() ? "calibration" : calibration.source(),
        calibration.ring_bits(), calibration.fractional_bits(),
        cost::uses_circa(calibration)
            ? fmt::format(", Circa k={}", calibration.circa_truncated_bits())
            : std::string(),
        calibration.network().bandwidth_bytes_per_second() / 1e6,
        calibration.network().round_trip_seconds() * 1e3, human_bytes(estimate.offline_bytes),
        estimate.offline_seconds, human_bytes(estimate.online_bytes), estimate.online_seconds,
        estimate.online_rounds);
  }
}

const CommandRegistration registration("cost", [](CLI::App& app) {
  auto options = std::make_shared<CostOptions>();
  CLI::App* command = app.add_subcommand(
      "cost", "Predict what an architecture costs to evaluate privately (per layer and in total)");
  command->add_option(
      "ARCH", options->architecture,
      "A preset name, a genotype key as pinas top prints it, or an architecture/genotype file");
  command->add_option(
      "--batch", options->batch,
      "FILE or - (stdin): one candidate per line (a genotype as `pinas top` prints it, "
      "or a one-line protobuf text genotype); one JSON line out per candidate, errors too");
  command->add_option("--model", options->model,
                      "Cost model: relu (ReLU count, default) or pi (calibrated latency)");
  command->add_option("--calibration", options->calibration,
                      "With --model pi: a file from `pinas calibrate`");
  command->add_option("--network", options->network, "Network model: loopback, lan or wan");
  command->add_option(
      "--bandwidth-mbit", options->bandwidth_mbit,
      "With --model pi: link bandwidth in Mbit/s each way (overrides the network model's)");
  command->add_option("--rtt-ms", options->rtt_ms,
                      "With --model pi: round-trip time in ms (overrides the network model's)");
  command->add_flag("--json", options->json, "Print one JSON object");
  command->callback([options] { print_cost(*options); });
});

}  // namespace
}  // namespace pinas::cli
