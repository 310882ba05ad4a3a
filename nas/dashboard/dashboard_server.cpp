#include "nas/dashboard/dashboard_server.h"

#include <fmt/format.h>
#include <httplib.h>

#include <cerrno>
#include <cstring>

#include "nas/dashboard/dashboard_error.h"
#include "nas/dashboard/dashboard_page.h"

namespace pinas::nas {
namespace {

constexpr const char* kJson = "application/json";

// Browsers and proxies must not keep an old snapshot: the page polls.
void no_cache(httplib::Response& response) {
  response.set_header("Cache-Control", "no-store");
}

void fail(httplib::Response& response, int status, const std::string& reason) {
  response.status = status;
  no_cache(response);
  response.set_content(nlohmann::json{{"error", reason}}.dump(), kJson);
}

}  // namespace

struct DashboardServer::Impl {
  explicit Impl(const DashboardData& data) : data(data) {}
  const DashboardData& data;
  httplib::Server server;
  std::string page = dashboard_page();
};

DashboardServer::DashboardServer(const DashboardData& data) : impl_(std::make_unique<Impl>(data)) {
  Impl& impl = *impl_;
  // httplib's default adds SO_REUSEPORT, which would let a second dashboard
  // share the port and answer for another experiment: SO_REUSEADDR only (a
  // restart may still reuse a port in TIME_WAIT).
  impl.server.set_socket_options([](socket_t socket) {
    int yes = 1;
    ::setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  impl.server.Get("/", [&impl](const httplib::Request&, httplib::Response& response) {
    no_cache(response);
    response.set_content(impl.page, "text/html; charset=utf-8");
  });
  impl.server.Get("/api/snapshot", [&impl](const httplib::Request&, httplib::Response& response) {
    try {
      no_cache(response);
      response.set_content(impl.data.snapshot().dump(), kJson);
    } catch (const Error& error) {
      fail(response, 503, error.what());
    }
  });
  impl.server.Get(R"(/api/trial/(\d{1,18}))",
                  [&impl](const httplib::Request& request, httplib::Response& response) {
                    try {
                      const std::int64_t trial = std::stoll(request.matches[1].str());
                      no_cache(response);
                      response.set_content(impl.data.trial_detail(trial).dump(), kJson);
                    } catch (const DashboardError& error) {
                      fail(response, 404, error.what());
                    } catch (const Error& error) {
                      fail(response, 503, error.what());
                    }
                  });
}

DashboardServer::~DashboardServer() {
  stop();
}

int DashboardServer::bind(const std::string& host, int port) {
  const int bound = port == 0 ? impl_->server.bind_to_any_port(host)
                              : (impl_->server.bind_to_port(host, port) ? port : -1);
  if (bound < 0)
    throw DashboardError(
        fmt::format("dashboard: cannot listen on {}:{} ({})", host, port, std::strerror(errno)));
  return bound;
}

void DashboardServer::run() {
  impl_->server.listen_after_bind();
}

void DashboardServer::stop() {
  impl_->server.stop();
}

bool DashboardServer::running() const {
  return impl_->server.is_running();
}

}  // namespace pinas::nas
