// `pinas dashboard DIR` (a live web page over HTTP) and `pinas report DIR
// --out FILE` (the same page as one static file): nas/dashboard/.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "nas/cli/command_registry.h"
#include "nas/cli/endpoint.h"
#include "nas/dashboard/dashboard_data.h"
#include "nas/dashboard/dashboard_page.h"
#include "nas/dashboard/reference_points.h"
#include "proto/error.h"
#ifdef PINAS_DASHBOARD_HTTP
#include "nas/dashboard/dashboard_server.h"
#endif

namespace pinas::cli {
namespace {

struct DashboardOptions {
  std::string folder;
  std::string host = "127.0.0.1";
  std::string port = "8080";
  std::string references;  // "" = the published points built in
  std::string out;
};

std::vector<nas::ReferencePoint> load_references(const std::string& file) {
  if (file.empty())
    return nas::parse_reference_points(nas::published_reference_text(),
                                       "experiments/reference_fronts/published.json (built in)");
  std::ifstream in(file);
  if (!in) throw pinas::Error(fmt::format("--references: cannot read {}", file));
  std::stringstream text;
  text << in.rdbuf();
  return nas::parse_reference_points(text.str(), file);
}

void require_folder(const std::string& folder) {
  if (!std::filesystem::is_directory(folder))
    throw pinas::Error(fmt::format("{}: no such experiment folder", folder));
}

void add_common(CLI::App* command, DashboardOptions& options) {
  command->add_option("DIR", options.folder, "Experiment folder (of a running or finished search)")
      ->required();
  command->add_option("--references", options.references,
                      "Published points to overlay (JSON like "
                      "experiments/reference_fronts/published.json, the default)");
}

const CommandRegistration registration("dashboard", [](CLI::App& app) {
  {
    auto options = std::make_shared<DashboardOptions>();
    CLI::App* command = app.add_subcommand(
        "dashboard",
        "Serve a live web page of an experiment (front, trials, curves, per-layer cost, "
        "progress); it reads the store read-only and never blocks the search");
    add_common(command, *options);
    command->add_option("--port", options->port, "TCP port (default 8080; 0 picks a free one)");
    command->add_option("--host", options->host,
                        "Address to listen on (default 127.0.0.1: this machine only)");
    command->callback([options] {
      const std::uint16_t port = parse_port(options->port, "dashboard --port", PortZero::kAllowed);
      require_folder(options->folder);
      nas::DashboardData data(options->folder, load_references(options->references));
#ifdef PINAS_DASHBOARD_HTTP
      nas::DashboardServer server(data);
      const int bound = server.bind(options->host, port);
      // One line a script can parse for the address (with --port 0 too).
      std::cout << fmt::format("pinas dashboard: http://{}:{}/ serving {} (Ctrl-C stops it)",
                               options->host, bound, options->folder)
                << std::endl;
      server.run();
#else
      (void)port;
      throw pinas::Error("pinas was built without cpp-httplib (libcpp-httplib-dev), so it cannot serve "
                  "the dashboard; `pinas report DIR --out FILE` writes the same page as a file");
#endif
    });
  }
  {
    auto options = std::make_shared<DashboardOptions>();
    CLI::App* command = app.add_subcommand(
        "report",
        "Write the dashboard of an experiment as one self-contained HTML file (data inlined)");
    add_common(command, *options);
    command->add_option("--out", options->out, "HTML file to write")->required();
    command->callback([options] {
      require_folder(options->folder);
      nas::DashboardData data(options->folder, load_references(options->references));
      const nlohmann::json report = data.report();
      const std::string page = nas::dashboard_page(&report);
      std::ofstream out(options->out, std::ios::binary);
      out << page;
      out.close();
      if (!out) throw pinas::Error(fmt::format("report --out: cannot write {}", options->out));
      std::cout << fmt::format("wrote the report of {} ({} trials, {} KB) to {}\n", options->folder,
                               report["trials"].size(), page.size() / 1024, options->out);
    });
  }
});

}  // namespace
}  // namespace pinas::cli
