// Private inference: `pinas serve` and `pinas infer` (crypto/pi).
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
#include "nas/cli/endpoint.h"
#include "nas/cli/fixed_point_options.h"
#include "nas/cli/image_input.h"
#include "nas/cli/pi_reports.h"
#include "search_spaces/model_file.h"
#include "search_spaces/presets.h"
#include "train/data/idx_reader.h"

namespace pinas::cli {
namespace {

using nlohmann::json;

// ---------------------------------------------------------------- serve / infer

void register_serve(CLI::App& app) {
  struct Options {
    std::string model;
    std::string port;
    int workers = 1;
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
    pi::ServerOptions server_options;
    server_options.port = parse_port(options->port, "serve --port", PortZero::kAllowed);
    auto model = spaces::read_model_file(options->model);
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
    std::string linear = "any";
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
  command
      ->add_option("--linear", options->linear,
                   "refuse a server whose linear-layer backend is not this one (he, ot; any: the server's)")
      ->check(CLI::IsMember({"any", "he", "ot"}))
      ->capture_default_str();
  command->add_option("--timeout", options->timeout, "seconds to wait for the server")
      ->capture_default_str();
  command->callback([options] {
    const Endpoint server = parse_endpoint(options->server, "infer --server");
    crypto::TcpOptions tcp;
    tcp.io_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(options->timeout * 1000));
    auto channel = crypto::TcpChannel::connect(server.host, server.port, tcp);
    pi::ClientSession session(*channel, options->ring_bits);
    const auto& network = session.connect();
    // The server chooses the backend and sends it in the session config.
    const std::string server_linear = network.config().linear_backend == pi::LinearBackend::kHe ? "he" : "ot";
    if (options->linear != "any" && options->linear != server_linear) {
      throw pi::UsageError(fmt::format("infer: server {} uses --linear {}, the client asked for --linear {}",
                                       options->server, server_linear, options->linear));
    }
    auto input = read_input(options->input, options->index, network.input_info().shape);
    session.offline();
    auto result = session.online(input.pixels);
    const auto& report = result.report;
    // The ReLUs that went through garbled circuits in this session, as measured.
    auto garbled_relus = [](const pi::SessionReport& session) {
      std::int64_t count = 0;
      for (const auto& layer : session.garbled_layers) {
        if (layer.kind == "relu" || layer.kind == "circa") count += layer.elements;
      }
      return count;
    };
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
                       {"garbled_relus", garbled_relus(report)},
                       {"polynomial_elements", network.polynomial_element_count()},
                       {"linear", server_linear},
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
    std::cout << fmt::format(
        "offline: {:.3f} MB client->server, {:.3f} MB server->client, {:.3f} s\n",
        megabytes(report.offline.bytes_sent), megabytes(report.offline.bytes_received),
        report.offline.seconds);
    std::cout << fmt::format(
        "online:  {:.3f} MB client->server, {:.3f} MB server->client, {:.3f} s, {} rounds\n",
        megabytes(report.online.bytes_sent), megabytes(report.online.bytes_received),
        report.online.seconds, result.rounds);
  });
}

const CommandRegistration pi_registration("pi", [](CLI::App& app) {
  register_serve(app);
  register_infer(app);
});

}  // namespace
}  // namespace pinas::cli
