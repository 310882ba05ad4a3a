// Private inference: `pinas serve`, `pinas infer`, `pinas pi random-model`,
// `pinas pi accuracy` and `pinas bench pi` (crypto/pi).
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <numeric>
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
#include "search_spaces/model_file.h"
#include "search_spaces/presets.h"
#include "train/data/cifar_reader.h"
#include "train/data/detail/file_bytes.h"
#include "train/data/idx_reader.h"
#include "train/data/image_file.h"

namespace pinas::cli {
namespace {

using nlohmann::json;

// ---------------------------------------------------------------- inputs

struct InputImage {
  std::vector<float> pixels;  // C x H x W in [0, 1]
  std::optional<std::int64_t> label;
};

std::vector<float> to_floats(std::span<const std::uint8_t> bytes) {
  std::vector<float> values(bytes.size());
  for (std::size_t i = 0; i < bytes.size(); ++i) values[i] = static_cast<float>(bytes[i]) / 255.0f;
  return values;
}

// Brings a C x H x W byte image to the model's input shape (channel
// conversion and bilinear resize as the data readers do).
std::vector<float> fit_image(train::data::Image image, const spaces::Shape& shape,
                             const std::string& path) {
  if (image.channels != shape.channels) {
    if (image.channels == 1 && shape.channels == 3) {
      std::vector<std::uint8_t> rgb;
      for (int c = 0; c < 3; ++c) rgb.insert(rgb.end(), image.pixels.begin(), image.pixels.end());
      image.pixels = rgb;
      image.channels = 3;
    } else {
      throw pi::UsageError(fmt::format("input {}: {} channels, the model takes {}", path,
                                       image.channels, shape.channels));
    }
  }
  if (image.height != shape.height || image.width != shape.width) {
    image = train::data::resize_image(image, shape.height, shape.width);
  }
  return to_floats(image.pixels);
}

// Reads FILE: JPEG/PNG, IDX images (gzip or raw; record --index), CIFAR
// binary records (.bin; record --index) or a raw float32 tensor (.f32/.raw:
// C x H x W little-endian floats in [0, 1]).
InputImage read_input(const std::string& path, std::size_t index, const spaces::Shape& shape) {
  auto bytes = train::data::detail::read_possibly_gzipped(path);
  auto big_endian = [&](std::size_t offset) {
    return (std::uint32_t{bytes[offset]} << 24) | (std::uint32_t{bytes[offset + 1]} << 16) |
           (std::uint32_t{bytes[offset + 2]} << 8) | std::uint32_t{bytes[offset + 3]};
  };
  InputImage input;
  const std::string extension = std::filesystem::path(path).extension().string();
  if (bytes.size() >= 4 &&
      ((bytes[0] == 0xFF && bytes[1] == 0xD8) || (bytes[0] == 0x89 && bytes[1] == 'P'))) {
    input.pixels = fit_image(train::data::read_image_file(path), shape, path);
  } else if (bytes.size() >= 16 && big_endian(0) == 0x00000803) {
    const std::size_t count = big_endian(4), height = big_endian(8), width = big_endian(12);
    if (index >= count)
      throw pi::UsageError(fmt::format("input {}: --index {} of {} images", path, index, count));
    if (bytes.size() < 16 + count * height * width)
      throw pi::UsageError(fmt::format("input {}: truncated IDX file", path));
    train::data::Image image{
        1, static_cast<std::int64_t>(height), static_cast<std::int64_t>(width), {}};
    auto begin = bytes.begin() + static_cast<std::ptrdiff_t>(16 + index * height * width);
    image.pixels.assign(begin, begin + static_cast<std::ptrdiff_t>(height * width));
    input.pixels = fit_image(image, shape, path);
  } else if (extension == ".bin") {
    const int label_bytes = bytes.size() % 3073 == 0 ? 1 : 2;
    auto dataset = train::data::read_cifar_files({path}, label_bytes, {}, path);
    if (index >= dataset.size()) {
      throw pi::UsageError(
          fmt::format("input {}: --index {} of {} records", path, index, dataset.size()));
    }
    auto record = dataset.image(index);
    train::data::Image image{
        dataset.channels, dataset.height, dataset.width, {record.begin(), record.end()}};
    input.pixels = fit_image(image, shape, path);
    input.label = dataset.labels[index];
  } else if (extension == ".f32" || extension == ".raw") {
    if (bytes.size() != static_cast<std::size_t>(shape.elements()) * 4) {
      throw pi::UsageError(fmt::format("input {}: {} bytes, a {} float32 tensor needs {}", path,
                                       bytes.size(), shape.to_string(), shape.elements() * 4));
    }
    input.pixels.resize(static_cast<std::size_t>(shape.elements()));
    std::memcpy(input.pixels.data(), bytes.data(), bytes.size());
  } else {
    throw pi::UsageError(
        fmt::format("input {}: not a JPEG/PNG image, an IDX image file, CIFAR records (.bin) or a "
                    "raw float32 tensor (.f32)",
                    path));
  }
  return input;
}

// ---------------------------------------------------------------- reports

json phase_json(const pi::PhaseCost& phase) {
  return {{"bytes_sent", phase.bytes_sent},
          {"bytes_received", phase.bytes_received},
          {"seconds", phase.seconds},
          {"flights", phase.flights}};
}

std::vector<std::size_t> top_k(const std::vector<double>& logits, std::size_t k) {
  std::vector<std::size_t> order(logits.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](auto a, auto b) { return logits[a] > logits[b]; });
  order.resize(std::min(k, order.size()));
  return order;
}

std::string class_name(const std::vector<std::string>& names, std::size_t index) {
  return index < names.size() ? names[index] : std::to_string(index);
}

// ---------------------------------------------------------------- serve / infer

void register_serve(CLI::App& app) {
  struct Options {
    std::string model;
    int port = 0, workers = 1;
    std::string bind = "127.0.0.1";
    std::uint64_t max_sessions = 0;
    double timeout = 60;
    FixedPointOptions fixed;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command =
      app.add_subcommand("serve", "Serve private inference of a model file over TCP");
  command->add_option("MODEL", options->model, "model file (pinas export)")->required();
  command->add_option("--port", options->port, "TCP port (0: pick one and print it)")->required();
  command
      ->add_option("--workers", options->workers,
                   "concurrent sessions (1: one client after another)")
      ->check(CLI::Range(1, 256));
  command->add_option("--bind", options->bind, "address to listen on")->capture_default_str();
  command->add_option("--max-sessions", options->max_sessions, "exit after N sessions (0: never)");
  command->add_option("--timeout", options->timeout, "seconds a silent client is waited for")
      ->capture_default_str();
  add_fixed_point_options(command, options->fixed);
  command->callback([options] {
    auto model = spaces::read_model_file(options->model);
    pi::ServerOptions server_options;
    server_options.port = static_cast<std::uint16_t>(options->port);
    server_options.bind_address = options->bind;
    server_options.workers = options->workers;
    if (options->max_sessions > 0) server_options.max_sessions = options->max_sessions;
    server_options.io_timeout =
        std::chrono::milliseconds(static_cast<std::int64_t>(options->timeout * 1000));
    server_options.log = [](const std::string& line) {
      std::cerr << "pinas serve: " << line << std::endl;
    };
    pi::InferenceServer server(model, options->fixed.config(), server_options);
    std::cerr << fmt::format("pinas serve: listening on {}:{} ({}, {} ReLUs, {}, {} worker{})",
                             options->bind, server.port(), options->model,
                             server.network().relu_count(), server.network().config().to_string(),
                             options->workers, options->workers == 1 ? "" : "s")
              << std::endl;
    server.serve();
  });
}

void register_infer(CLI::App& app) {
  struct Options {
    std::string server, input;
    std::size_t index = 0;
    bool json_output = false;
    unsigned ring_bits = 0;
    double timeout = 600;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command =
      app.add_subcommand("infer", "Classify an input privately against a `pinas serve` server");
  command->add_option("--server", options->server, "HOST:PORT")->required();
  command
      ->add_option("--input", options->input,
                   "JPEG/PNG, IDX (gz) or CIFAR .bin record, or raw .f32 tensor")
      ->required();
  command->add_option("--index", options->index, "record index in an IDX or CIFAR file")
      ->capture_default_str();
  command->add_flag("--json", options->json_output, "print one JSON document");
  command->add_option("--ring-bits", options->ring_bits,
                      "refuse a server using another ring (0: any)");
  command->add_option("--timeout", options->timeout, "seconds to wait for the server")
      ->capture_default_str();
  command->callback([options] {
    auto colon = options->server.rfind(':');
    if (colon == std::string::npos)
      throw pi::UsageError("infer: --server must be HOST:PORT, got " + options->server);
    const std::string host = options->server.substr(0, colon);
    const int port = std::stoi(options->server.substr(colon + 1));
    crypto::TcpOptions tcp;
    tcp.io_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(options->timeout * 1000));
    auto channel = crypto::TcpChannel::connect(host, static_cast<std::uint16_t>(port), tcp);
    pi::ClientSession session(*channel, options->ring_bits);
    const auto& network = session.connect();
    auto input = read_input(options->input, options->index, network.input_info().shape);
    session.offline();
    auto result = session.online(input.pixels);
    const auto& report = result.report;
    auto best = top_k(result.logits, 5);
    if (options->json_output) {
      json top = json::array();
      for (auto index : best) {
        top.push_back({{"index", index},
                       {"name", class_name(result.class_names, index)},
                       {"logit", result.logits[index]}});
      }
      json document = {{"logits", result.logits},
                       {"logits_fixed", result.logits_fixed},
                       {"label", best.empty() ? -1 : static_cast<std::int64_t>(best[0])},
                       {"label_name", best.empty() ? "" : class_name(result.class_names, best[0])},
                       {"top5", top},
                       {"offline_bytes", report.offline.bytes_sent + report.offline.bytes_received},
                       {"online_bytes", report.online.bytes_sent + report.online.bytes_received},
                       {"offline_bytes_client_to_server", report.offline.bytes_sent},
                       {"offline_bytes_server_to_client", report.offline.bytes_received},
                       {"online_bytes_client_to_server", report.online.bytes_sent},
                       {"online_bytes_server_to_client", report.online.bytes_received},
                       {"setup_bytes", report.setup.bytes_sent + report.setup.bytes_received},
                       {"offline_s", report.offline.seconds},
                       {"online_s", report.online.seconds},
                       {"setup_s", report.setup.seconds},
                       {"rounds", result.rounds},
                       {"relus", network.relu_count()},
                       {"config", network.config().to_string()}};
      if (input.label) document["true_label"] = *input.label;
      std::cout << document.dump(2) << std::endl;
      return;
    }
    std::cout << "top-5:\n";
    for (auto index : best) {
      std::cout << fmt::format("  {:>3}  {:<20} {:>10.4f}\n", index,
                               class_name(result.class_names, index), result.logits[index]);
    }
    if (input.label) std::cout << fmt::format("true label: {}\n", *input.label);
    auto mb = [](std::uint64_t bytes) { return static_cast<double>(bytes) / 1e6; };
    std::cout << fmt::format(
        "offline: {:.3f} MB client->server, {:.3f} MB server->client, {:.3f} s\n",
        mb(report.offline.bytes_sent), mb(report.offline.bytes_received), report.offline.seconds);
    std::cout << fmt::format(
        "online:  {:.3f} MB client->server, {:.3f} MB server->client, {:.3f} s, {} rounds\n",
        mb(report.online.bytes_sent), mb(report.online.bytes_received), report.online.seconds,
        result.rounds);
  });
}

// ---------------------------------------------------------------- pi tools

void register_pi_tools(CLI::App& app) {
  CLI::App* group =
      subcommand_group(app, "pi", "Private-inference tools (random models, fixed-point accuracy)");
  {
    struct Options {
      std::string architecture, out;
      std::uint64_t seed = 1;
      bool relu_masks = false;
    };
    auto options = std::make_shared<Options>();
    CLI::App* command =
        group->add_subcommand("random-model", "Write a model file with random weights");
    command
        ->add_option("ARCHITECTURE", options->architecture,
                     "preset name or architecture/genotype file")
        ->required();
    command->add_option("--out", options->out, "model file to write")->required();
    command->add_option("--seed", options->seed, "weight seed")->capture_default_str();
    command->add_flag("--relu-masks", options->relu_masks,
                      "random per-element ReLU masks (about half kept)");
    command->callback([options] {
      auto architecture = spaces::load_architecture(options->architecture).to_proto();
      pi::RandomModelOptions random;
      random.seed = options->seed;
      random.relu_masks = options->relu_masks;
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
                          {"config", network.config().to_string()}}
                         .dump(2)
                  << std::endl;
      } else {
        std::cout << fmt::format(
            "{} images, {}: fixed-point accuracy {:.4f} (float, as trained: {:.4f})\n", count,
            network.config().to_string(), accuracy, model.test_accuracy());
      }
    });
  }
}

// ---------------------------------------------------------------- bench pi

void register_bench_pi(CLI::App& app) {
  struct Options {
    std::string architecture = "cryptonas-cnet1";
    std::uint64_t seed = 1;
    bool json_output = false;
    FixedPointOptions fixed;
  };
  auto options = std::make_shared<Options>();
  CLI::App* bench = subcommand_group(app, "bench", "Benchmarks");
  CLI::App* command = bench->add_subcommand("pi",
                                            "Whole-network private inference over loopback TCP "
                                            "(random weights): costs per phase, ReLU and layer");
  command
      ->add_option("ARCHITECTURE", options->architecture, "preset, architecture file or model file")
      ->capture_default_str();
  command->add_option("--seed", options->seed, "weight and input seed")->capture_default_str();
  command->add_flag("--json", options->json_output, "print one JSON document");
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
    auto network = pi::FixedPointNetwork::compile(model, options->fixed.config());
    const std::string description =
        spaces::encode_model(pi::FixedPointNetwork::public_description(model));
    std::vector<float> pixels(static_cast<std::size_t>(network.input_info().shape.elements()));
    std::mt19937_64 random(options->seed);
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
    for (const auto& layer : server_report.linear_layers) {
      linear.push_back({{"node", layer.node},
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
    json document = {{"architecture", options->architecture},
                     {"config", network.config().to_string()},
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
                     {"rounds", result.rounds},
                     {"per_relu",
                      {{"and_gates", relu_and},
                       {"offline_bytes", static_cast<double>(relu_offline) * per},
                       {"online_bytes", static_cast<double>(relu_online) * per},
                       {"garble_us", garble * 1e6 * per},
                       {"evaluate_us", evaluate * 1e6 * per}}},
                     {"linear_layers", linear},
                     {"garbled_layers", garbled}};
    if (options->json_output) {
      std::cout << document.dump(2) << std::endl;
      return;
    }
    auto mb = [](std::uint64_t bytes) { return static_cast<double>(bytes) / 1e6; };
    std::cout << fmt::format("{}: {} ReLUs, {} MACs, {} ({})\n", options->architecture,
                             network.relu_count(), network.linear_macs(),
                             network.config().to_string(),
                             exact ? "bit-exact with the reference" : "NOT equal to the reference");
    std::cout << fmt::format("offline: {:.1f} MB ({:.1f} up, {:.1f} down), {:.2f} s\n",
                             mb(client.offline.bytes_sent + client.offline.bytes_received),
                             mb(client.offline.bytes_sent), mb(client.offline.bytes_received),
                             client.offline.seconds);
    std::cout << fmt::format("online:  {:.1f} MB ({:.1f} up, {:.1f} down), {:.3f} s, {} rounds\n",
                             mb(client.online.bytes_sent + client.online.bytes_received),
                             mb(client.online.bytes_sent), mb(client.online.bytes_received),
                             client.online.seconds, result.rounds);
    std::cout << fmt::format(
        "per ReLU: {} AND gates, {:.0f} B offline, {:.0f} B online, garble {:.2f} us, "
        "evaluate {:.2f} us\n",
        relu_and, static_cast<double>(relu_offline) * per, static_cast<double>(relu_online) * per,
        garble * 1e6 * per, evaluate * 1e6 * per);
    std::cout << "linear layers (offline, Gilboa on COT):\n";
    for (const auto& layer : server_report.linear_layers) {
      std::cout << fmt::format(
          "  {:<28} {:<6} {:>11} MACs {:>9} OTs {:>10.1f} MB {:>8.2f} s\n", layer.node,
          layer.side == pi::Decomposition::kWeight ? "weight" : "input", layer.macs, layer.ots,
          mb(layer.bytes_sent + layer.bytes_received), layer.seconds);
    }
  });
}

const CommandRegistration pi_registration("pi", [](CLI::App& app) {
  register_serve(app);
  register_infer(app);
  register_pi_tools(app);
  register_bench_pi(app);
});

}  // namespace
}  // namespace pinas::cli
