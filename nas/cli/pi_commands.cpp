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
#include "crypto/net/tls_channel.h"
#include "crypto/net/tls_context.h"
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

// What `serve --help` says about who is trusted with what (README's
// hardening section says the same at length).
constexpr const char* kServeThreatModel =
    R"(Threat model: the protocol is semi-honest. It keeps the client's input from the
server and the weights from a client that follows the protocol; the client
learns the architecture and the logits. A malicious client that deviates from
the protocol can learn the weights (IKNP OT extension runs without a
consistency check, so a cheating receiver can learn the garbler's global key
and open every wire label). Serve only clients you trust to run pinas infer
unmodified: use --tls-cert/--tls-key with --tls-client-ca so that only clients
holding a certificate from your CA are served. Plain TCP (no --tls-cert) is
for loopback and tests; it warns when bound to another address.)";

json session_costs_json(const pi::SessionReport& report) {
  auto phase = [](const pi::PhaseCost& cost) {
    return json{{"seconds", cost.seconds},
                {"bytes_sent", cost.bytes_sent},
                {"bytes_received", cost.bytes_received}};
  };
  return {{"setup", phase(report.setup)},
          {"offline", phase(report.offline)},
          {"online", phase(report.online)}};
}

void register_serve(CLI::App& app) {
  struct Options {
    std::string model;
    std::string port;
    int workers = 1;
    std::string bind = "127.0.0.1";
    std::uint64_t max_sessions = 0;
    double timeout = 60;
    bool json_output = false;
    crypto::TlsFiles tls;
    FixedPointOptions fixed;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command =
      app.add_subcommand("serve", "Serve private inference of a model file over TCP or TLS 1.3");
  command->footer(kServeThreatModel);
  command->add_option("MODEL", options->model, "model file (pinas export)")->required();
  command
      ->add_option("--port", options->port,
                   "TCP port (0: pick a free one; stdout gets the line `port N` either way)")
      ->required();
  command
      ->add_option("--workers", options->workers,
                   "concurrent sessions (1: one client after another)")
      ->check(CLI::Range(1, 256));
  command->add_option("--bind", options->bind, "address to listen on")->capture_default_str();
  command->add_option("--max-sessions", options->max_sessions, "exit after N sessions (0: never)");
  command->add_option("--timeout", options->timeout, "seconds a silent client is waited for")
      ->capture_default_str();
  command->add_flag("--json", options->json_output,
                    "one JSON object per line on stdout (listening, each session, stopped) "
                    "instead of the log lines on stderr");
  auto* cert = command->add_option("--tls-cert", options->tls.certificate,
                                   "serve over TLS 1.3 with this PEM certificate (chain)");
  auto* key = command->add_option("--tls-key", options->tls.private_key,
                                  "the PEM private key of --tls-cert");
  command
      ->add_option("--tls-client-ca", options->tls.peer_ca,
                   "serve only clients with a certificate signed by this PEM CA")
      ->needs(cert);
  cert->needs(key);
  key->needs(cert);
  add_fixed_point_options(command, options->fixed);
  command->callback([options] {
    pi::ServerOptions server_options;
    server_options.port = parse_port(options->port, "serve --port", PortZero::kAllowed);
    // TLS files first: they are cheap to check, the model may be large.
    if (!options->tls.certificate.empty())
      server_options.tls = crypto::TlsContext::server(options->tls);
    auto model = spaces::read_model_file(options->model);
    server_options.bind_address = options->bind;
    server_options.workers = options->workers;
    if (options->max_sessions > 0) server_options.max_sessions = options->max_sessions;
    server_options.io_timeout =
        std::chrono::milliseconds(static_cast<std::int64_t>(options->timeout * 1000));
    const bool json_output = options->json_output;
    server_options.log = [json_output](const std::string& line) {
      if (!json_output) {
        // One write per line: clients and other servers may share this stderr.
        std::cerr << fmt::format("pinas serve: {}\n", line);
      } else if (line.rfind("warning:", 0) == 0 || line.rfind("cannot accept", 0) == 0 ||
                 line.rfind("accepting clients again", 0) == 0 || line.rfind("stopped:", 0) == 0) {
        // Server-wide events have no session object: one line each.
        std::cout << json{{"event", "log"}, {"message", line}}.dump() << std::endl;
      }
    };
    if (json_output) {
      server_options.on_event = [](const pi::ServerEvent& event) {
        json line;
        switch (event.kind) {
          case pi::ServerEvent::Kind::kServed:
            line = {{"event", "served"},
                    {"peer", event.peer},
                    {"costs", session_costs_json(event.report)}};
            break;
          case pi::ServerEvent::Kind::kFailed:
            line = {{"event", "failed"}, {"peer", event.peer}, {"error", event.error}};
            break;
          case pi::ServerEvent::Kind::kRefused:
            line = {{"event", "refused"}, {"peer", event.peer}, {"reason", event.error}};
            break;
        }
        std::cout << line.dump() << std::endl;
      };
    }
    pi::InferenceServer server(model, options->fixed.config(), server_options);
    const std::string transport = !server_options.tls ? "plain TCP"
                                  : server_options.tls->verifies_peer()
                                      ? "TLS 1.3, client certificates required"
                                      : "TLS 1.3";
    if (json_output) {
      std::cout << json{{"event", "listening"},
                        {"address", options->bind},
                        {"port", server.port()},
                        {"model", options->model},
                        {"relus", server.network().relu_count()},
                        {"config", server.network().config().to_string()},
                        {"workers", options->workers},
                        {"tls", static_cast<bool>(server_options.tls)},
                        {"client_authentication",
                         server_options.tls && server_options.tls->verifies_peer()}}
                       .dump()
                << std::endl;
    } else {
      // The one machine-readable line (scripts starting `serve --port 0`
      // read it); the human one goes to stderr as before.
      std::cout << "port " << server.port() << std::endl;
      std::cerr << fmt::format(
                       "pinas serve: listening on {}:{} ({}, {} ReLUs, {}, {} worker{}, {})",
                       options->bind, server.port(), options->model, server.network().relu_count(),
                       server.network().config().to_string(), options->workers,
                       options->workers == 1 ? "" : "s", transport)
                << std::endl;
    }
    server.serve();
    if (json_output) {
      std::cout << json{{"event", "stopped"},
                        {"served", server.sessions_served()},
                        {"failed", server.sessions_failed()},
                        {"refused", server.connections_refused()}}
                       .dump()
                << std::endl;
    }
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
    crypto::TlsFiles tls;
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
      ->add_option(
          "--linear", options->linear,
          "refuse a server whose linear-layer backend is not this one (he, ot; any: the server's)")
      ->check(CLI::IsMember({"any", "he", "ot"}))
      ->capture_default_str();
  command->add_option("--timeout", options->timeout, "seconds to wait for the server")
      ->capture_default_str();
  auto* ca =
      command->add_option("--tls-ca", options->tls.peer_ca,
                          "connect over TLS 1.3, trusting server certificates from this PEM CA "
                          "(the certificate must name the host of --server)");
  auto* cert = command
                   ->add_option("--tls-cert", options->tls.certificate,
                                "client certificate (PEM) for a server requiring one")
                   ->needs(ca);
  auto* key = command->add_option("--tls-key", options->tls.private_key,
                                  "the PEM private key of --tls-cert");
  cert->needs(key);
  key->needs(cert);
  command->callback([options] {
    const Endpoint server = parse_endpoint(options->server, "infer --server");
    crypto::TcpOptions tcp;
    tcp.io_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(options->timeout * 1000));
    std::shared_ptr<const crypto::TlsContext> tls;
    if (!options->tls.peer_ca.empty()) tls = crypto::TlsContext::client(options->tls);
    auto connection = crypto::TcpChannel::connect(server.host, server.port, tcp);
    std::unique_ptr<crypto::Channel> channel;
    if (tls) {
      channel = crypto::TlsChannel::connect(std::move(connection), tls, server.host);
    } else {
      channel = std::move(connection);
    }
    pi::ClientSession session(*channel, options->ring_bits);
    const auto& network = session.connect();
    // The server chooses the backend and sends it in the session config.
    const std::string server_linear =
        network.config().linear_backend == pi::LinearBackend::kHe ? "he" : "ot";
    if (options->linear != "any" && options->linear != server_linear) {
      throw pi::UsageError(
          fmt::format("infer: server {} uses --linear {}, the client asked for --linear {}",
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
