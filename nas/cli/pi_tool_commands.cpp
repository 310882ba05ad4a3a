// Private-inference tools: `pinas pi random-model`, `pinas pi reference`,
// `pinas pi accuracy` and `pinas bench pi` (crypto/pi).
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "crypto/net/tcp_channel.h"
#include "crypto/net/tcp_listener.h"
#include "crypto/pi/client_session.h"
#include "crypto/pi/fixed_point_evaluator.h"
#include "crypto/pi/inference_server.h"
#include "crypto/pi/pi_error.h"
#include "crypto/pi/random_model.h"
#include "crypto/pi/server_session.h"
#include "nas/cli/command_registry.h"
#include "nas/cli/fixed_point_options.h"
#include "nas/cli/image_input.h"
#include "nas/cli/pi_reports.h"
#include "search_spaces/model_file.h"
#include "search_spaces/presets.h"
#include "train/data/idx_reader.h"

namespace pinas::cli {
namespace {

using nlohmann::json;

// ---------------------------------------------------------------- pi tools

void register_pi_tools(CLI::App& app) {
  CLI::App* group =
      subcommand_group(app, "pi", "Private-inference tools (random models, fixed-point accuracy)");
  {
    struct Options {
      std::string architecture, out;
      std::uint64_t seed = 1;
      bool relu_masks = false;
      bool mixed_activations = false;
    };
    auto options = std::make_shared<Options>();
    CLI::App* command =
        group->add_subcommand("random-model", "Write a model file with random weights");
    command
        ->add_option(
            "ARCHITECTURE", options->architecture,
            "preset name, genotype key (as pinas top prints it) or architecture/genotype file")
        ->required();
    command->add_option("--out", options->out, "model file to write")->required();
    command->add_option("--seed", options->seed, "weight seed")->capture_default_str();
    command->add_flag("--relu-masks", options->relu_masks,
                      "random per-element ReLU masks (about half kept)");
    command
        ->add_flag("--mixed-activations", options->mixed_activations,
                   "mixed activations in the IR: about a third of the elements ReLU, the rest a "
                   "quadratic, an affine map or the identity by channel (every kind in each layer)")
        ->excludes("--relu-masks");
    command->callback([options] {
      auto architecture = spaces::load_architecture(options->architecture).to_proto();
      pi::RandomModelOptions random;
      random.seed = options->seed;
      random.relu_masks = options->relu_masks;
      random.mixed_activations = options->mixed_activations;
      spaces::write_model_file(options->out, pi::random_weight_model(architecture, random));
      std::cout << options->out << "\n";
    });
  }
  {
    struct Options {
      std::string model, input;
      std::size_t index = 0;
      FixedPointOptions fixed;
    };
    auto options = std::make_shared<Options>();
    CLI::App* command =
        group->add_subcommand("reference", "Plaintext fixed-point logits of one input (JSON)");
    command->add_option("MODEL", options->model, "model file")->required();
    command->add_option("--input", options->input, "as for pinas infer")->required();
    command->add_option("--index", options->index, "record index in an IDX or CIFAR file");
    add_fixed_point_options(command, options->fixed);
    command->callback([options] {
      auto network = pi::FixedPointNetwork::compile(spaces::read_model_file(options->model),
                                                    options->fixed.config());
      auto input = network.quantize_input(
          read_input(options->input, options->index, network.input_info().shape).pixels);
      auto logits = pi::evaluate_fixed_point(network, std::span<const std::uint64_t>(input));
      std::cout
          << json{{"logits", network.dequantize_output(logits)}, {"logits_fixed", logits}}.dump(2)
          << std::endl;
    });
  }
  {
    struct Options {
      std::string model, data_dir = train::data::kDebianFashionMnistDirectory.string();
      std::size_t limit = 0;
      std::uint64_t seed = 1;
      unsigned threads = 0;
      bool json_output = false;
      FixedPointOptions fixed;
    };
    auto options = std::make_shared<Options>();
    CLI::App* command = group->add_subcommand("accuracy",
                                              "Fixed-point test accuracy of a Fashion-MNIST model "
                                              "(plaintext reference; Circa simulated)");
    command->add_option("MODEL", options->model, "model file")->required();
    command->add_option("--data-dir", options->data_dir, "Fashion-MNIST folder")
        ->capture_default_str();
    command->add_option("--limit", options->limit, "first N test images (0: all)");
    command->add_option("--seed", options->seed, "seed of Circa's simulated shares")
        ->capture_default_str();
    command->add_option("--threads", options->threads,
                        "images evaluated in parallel (0: one per core)");
    command->add_flag("--json", options->json_output, "print one JSON document");
    add_fixed_point_options(command, options->fixed);
    command->callback([options] {
      auto model = spaces::read_model_file(options->model);
      auto network = pi::FixedPointNetwork::compile(model, options->fixed.config());
      auto test = train::data::read_fashion_mnist(options->data_dir, false);
      const std::size_t count =
          options->limit == 0 ? test.size() : std::min(options->limit, test.size());
      const auto measured = measure_fixed_point_accuracy(
          network, count,
          [&](std::size_t i) {
            return fit_image({test.channels,
                              test.height,
                              test.width,
                              {test.image(i).begin(), test.image(i).end()}},
                             network.input_info().shape, options->data_dir);
          },
          [&](std::size_t i) { return static_cast<std::int64_t>(test.labels[i]); }, options->seed,
          options->threads);
      const double accuracy = measured.accuracy();
      if (options->json_output) {
        std::cout << json{{"images", count},
                          {"fixed_point_accuracy", accuracy},
                          {"float_accuracy", model.test_accuracy()},
                          {"config", network.config().to_string()},
                          {"headroom_bits", measured.headroom_bits},
                          {"headroom_node", measured.tightest_node},
                          {"headroom_scale", measured.tightest_scale}}
                         .dump(2)
                  << std::endl;
      } else {
        std::cout << fmt::format(
            "{} images, {}: fixed-point accuracy {:.4f} (float, as trained: {:.4f}), {} bits of "
            "ring headroom\n",
            count, network.config().to_string(), accuracy, model.test_accuracy(),
            measured.headroom_bits);
      }
    });
  }
}

// ---------------------------------------------------------------- bench pi

// One two-party run of `network` over loopback TCP, both parties in this
// process: the document `pinas bench pi --json` prints, and its text form.
struct BenchRun {
  json document;
  std::string text;
};

BenchRun bench_once(const std::string& architecture, const pb::Model& model,
                    const pi::FixedPointConfig& config, std::uint64_t seed) {
  auto network = pi::FixedPointNetwork::compile(model, config);
  const std::string description =
      spaces::encode_model(pi::FixedPointNetwork::public_description(model));
  std::vector<float> pixels(static_cast<std::size_t>(network.input_info().shape.elements()));
  std::mt19937_64 random(seed);
  for (auto& pixel : pixels) pixel = static_cast<float>(random() % 256) / 255.0f;
  crypto::TcpListener listener(0);
  pi::SessionReport server_report;
  std::exception_ptr server_error;
  std::thread server([&] {
    try {
      auto channel = listener.accept(std::chrono::milliseconds(30000));
      pi::ServerSession session(network, description, *channel);
      server_report = session.run();
    } catch (...) {
      server_error = std::current_exception();
    }
  });
  pi::InferenceResult result;
  try {
    auto channel = crypto::TcpChannel::connect("127.0.0.1", listener.port());
    pi::ClientSession session(*channel);
    result = session.run(pixels);
  } catch (...) {
    server.join();
    if (server_error) std::rethrow_exception(server_error);
    throw;
  }
  server.join();
  if (server_error) std::rethrow_exception(server_error);
  auto input = network.quantize_input(pixels);
  const bool exact = result.logits_fixed ==
                     pi::evaluate_fixed_point(network, std::span<const std::uint64_t>(input));
  // Per-ReLU figures from the garbled layers of ReLU kind.
  std::uint64_t relu_copies = 0, relu_offline = 0, relu_online = 0, relu_and = 0;
  double garble = 0, evaluate = 0;
  for (std::size_t i = 0; i < server_report.garbled_layers.size(); ++i) {
    const auto& layer = server_report.garbled_layers[i];
    if (layer.kind != "relu" && layer.kind != "circa") continue;
    relu_copies += static_cast<std::uint64_t>(layer.elements);
    relu_offline += layer.offline_bytes;
    relu_online += layer.online_bytes;
    relu_and = layer.and_gates;
    garble += layer.crypto_seconds;
    evaluate += result.report.garbled_layers.at(i).crypto_seconds;
  }
  const double per = relu_copies == 0 ? 0.0 : 1.0 / static_cast<double>(relu_copies);
  json linear = json::array();
  std::uint64_t linear_bytes = 0;
  double linear_seconds = 0;
  for (const auto& layer : server_report.linear_layers) {
    linear_bytes += layer.bytes_sent + layer.bytes_received;
    linear_seconds += layer.seconds;
    linear.push_back({{"node", layer.node},
                      {"backend", layer.backend},
                      {"side", layer.side == pi::Decomposition::kWeight ? "weight" : "input"},
                      {"macs", layer.macs},
                      {"ots", layer.ots},
                      {"bytes", layer.bytes_sent + layer.bytes_received},
                      {"seconds", layer.seconds}});
  }
  json garbled = json::array();
  for (std::size_t i = 0; i < server_report.garbled_layers.size(); ++i) {
    const auto& layer = server_report.garbled_layers[i];
    garbled.push_back({{"node", layer.node},
                       {"kind", layer.kind},
                       {"elements", layer.elements},
                       {"and_gates", layer.and_gates},
                       {"offline_bytes", layer.offline_bytes},
                       {"online_bytes", layer.online_bytes},
                       {"garble_s", layer.crypto_seconds},
                       {"evaluate_s", result.report.garbled_layers.at(i).crypto_seconds},
                       {"offline_s", layer.offline_seconds},
                       {"online_s", layer.online_seconds}});
  }
  const auto& client = result.report;
  BenchRun run;
  run.document = {{"architecture", architecture},
                  {"config", network.config().to_string()},
                  {"linear_backend", config.linear_backend == pi::LinearBackend::kHe ? "he" : "ot"},
                  {"relus", network.relu_count()},
                  {"macs", network.linear_macs()},
                  {"bit_exact", exact},
                  {"setup", phase_json(client.setup)},
                  {"offline", phase_json(client.offline)},
                  {"online", phase_json(client.online)},
                  {"offline_bytes", client.offline.bytes_sent + client.offline.bytes_received},
                  {"online_bytes", client.online.bytes_sent + client.online.bytes_received},
                  {"offline_s", client.offline.seconds},
                  {"online_s", client.online.seconds},
                  {"linear_offline_bytes", linear_bytes},
                  {"linear_offline_s", linear_seconds},
                  {"rounds", result.rounds},
                  {"per_relu",
                   {{"and_gates", relu_and},
                    {"offline_bytes", static_cast<double>(relu_offline) * per},
                    {"online_bytes", static_cast<double>(relu_online) * per},
                    {"garble_us", garble * 1e6 * per},
                    {"evaluate_us", evaluate * 1e6 * per}}},
                  {"linear_layers", linear},
                  {"garbled_layers", garbled}};
  std::string& text = run.text;
  text += fmt::format("{}: {} ReLUs, {} MACs, {} ({})\n", architecture, network.relu_count(),
                      network.linear_macs(), network.config().to_string(),
                      exact ? "bit-exact with the reference" : "NOT equal to the reference");
  text += fmt::format("offline: {:.1f} MB ({:.1f} up, {:.1f} down), {:.2f} s\n",
                      megabytes(client.offline.bytes_sent + client.offline.bytes_received),
                      megabytes(client.offline.bytes_sent),
                      megabytes(client.offline.bytes_received), client.offline.seconds);
  text += fmt::format("online:  {:.1f} MB ({:.1f} up, {:.1f} down), {:.3f} s, {} rounds\n",
                      megabytes(client.online.bytes_sent + client.online.bytes_received),
                      megabytes(client.online.bytes_sent), megabytes(client.online.bytes_received),
                      client.online.seconds, result.rounds);
  text += fmt::format(
      "per ReLU: {} AND gates, {:.0f} B offline, {:.0f} B online, garble {:.2f} us, evaluate "
      "{:.2f} us\n",
      relu_and, static_cast<double>(relu_offline) * per, static_cast<double>(relu_online) * per,
      garble * 1e6 * per, evaluate * 1e6 * per);
  text += fmt::format(
      "linear layers (offline, {}): {:.1f} MB, {:.2f} s\n",
      config.linear_backend == pi::LinearBackend::kHe ? "homomorphic encryption" : "Gilboa on COT",
      megabytes(linear_bytes), linear_seconds);
  for (const auto& layer : server_report.linear_layers) {
    text += fmt::format(
        "  {:<28} {:<6} {:>11} MACs {:>9} OTs {:>10.1f} MB {:>8.2f} s\n", layer.node,
        layer.backend == "he" ? "he"
                              : (layer.side == pi::Decomposition::kWeight ? "weight" : "input"),
        layer.macs, layer.ots, megabytes(layer.bytes_sent + layer.bytes_received), layer.seconds);
  }
  return run;
}

void register_bench_pi(CLI::App& app) {
  struct Options {
    std::string architecture = "cryptonas-cnet1";
    std::uint64_t seed = 1;
    bool json_output = false;
    bool compare = false;
    FixedPointOptions fixed;
  };
  auto options = std::make_shared<Options>();
  CLI::App* bench = subcommand_group(app, "bench", "Benchmarks");
  CLI::App* command = bench->add_subcommand("pi",
                                            "Whole-network private inference over loopback TCP "
                                            "(random weights): costs per phase, ReLU and layer");
  command
      ->add_option("ARCHITECTURE", options->architecture,
                   "preset, genotype key, architecture file or model file")
      ->capture_default_str();
  command->add_option("--seed", options->seed, "weight and input seed")->capture_default_str();
  command->add_flag("--json", options->json_output, "print one JSON document");
  command->add_flag(
      "--compare-linear", options->compare,
      "run the network with --linear ot and --linear he, one after the other, and compare");
  add_fixed_point_options(command, options->fixed);
  command->callback([options] {
    pb::Model model;
    if (std::filesystem::is_regular_file(options->architecture)) {
      try {
        model = spaces::read_model_file(options->architecture);
      } catch (const spaces::ModelFileError&) {
        model = pi::random_weight_model(spaces::load_architecture(options->architecture).to_proto(),
                                        {.seed = options->seed});
      }
    } else {
      model = pi::random_weight_model(spaces::load_architecture(options->architecture).to_proto(),
                                      {.seed = options->seed});
    }
    const pi::FixedPointConfig config = options->fixed.config();
    if (!options->compare) {
      auto run = bench_once(options->architecture, model, config, options->seed);
      std::cout << (options->json_output ? run.document.dump(2) + "\n" : run.text);
      return;
    }
    std::vector<BenchRun> runs;
    for (auto backend : {pi::LinearBackend::kOt, pi::LinearBackend::kHe}) {
      pi::FixedPointConfig variant = config;
      variant.linear_backend = backend;
      runs.push_back(bench_once(options->architecture, model, variant, options->seed));
    }
    if (options->json_output) {
      std::cout << json{{"runs", json::array({runs[0].document, runs[1].document})}}.dump(2)
                << std::endl;
      return;
    }
    std::cout << runs[0].text << "\n" << runs[1].text << "\n";
    const auto& ot = runs[0].document;
    const auto& he = runs[1].document;
    auto mb = [](const json& value) { return megabytes(value.get<std::uint64_t>()); };
    std::cout << fmt::format("{:<28} {:>12} {:>12} {:>10}\n", "", "--linear ot", "--linear he",
                             "ot / he");
    auto row = [&](const char* name, double a, double b, const char* unit) {
      std::cout << fmt::format("{:<28} {:>10.2f}{:<2} {:>10.2f}{:<2} {:>9.1f}x\n", name, a, unit, b,
                               unit, b == 0 ? 0.0 : a / b);
    };
    row("offline traffic", mb(ot["offline_bytes"]), mb(he["offline_bytes"]), "MB");
    row("offline time", ot["offline_s"].get<double>(), he["offline_s"].get<double>(), "s");
    row("linear layers, traffic", mb(ot["linear_offline_bytes"]), mb(he["linear_offline_bytes"]),
        "MB");
    row("linear layers, time", ot["linear_offline_s"].get<double>(),
        he["linear_offline_s"].get<double>(), "s");
    row("online traffic", mb(ot["online_bytes"]), mb(he["online_bytes"]), "MB");
    row("online time", ot["online_s"].get<double>(), he["online_s"].get<double>(), "s");
  });
}

const CommandRegistration pi_tools_registration("pi-tools", [](CLI::App& app) {
  register_pi_tools(app);
  register_bench_pi(app);
});

}  // namespace
}  // namespace pinas::cli
