#pragma once

#include <memory>
#include <string>

#include "nas/dashboard/dashboard_data.h"

namespace pinas::nas {

// The live dashboard over HTTP (cpp-httplib): GET / is the page
// (dashboard_page()), GET /api/snapshot is DashboardData::snapshot(), GET
// /api/trial/N is DashboardData::trial_detail(N). A store that cannot be read
// yet (the search has not created it) answers 503 with the reason, an
// unknown trial 404, so the page keeps polling. Only reads: the search is
// never blocked or slowed beyond a SQLite reader's cost.
class DashboardServer {
 public:
  // `data` must outlive the server.
  explicit DashboardServer(const DashboardData& data);
  ~DashboardServer();
  DashboardServer(const DashboardServer&) = delete;
  DashboardServer& operator=(const DashboardServer&) = delete;

  // Binds `host`:`port` (port 0: a free port). Returns the bound port. Throws
  // DashboardError naming the address if it cannot. Call once, before run().
  int bind(const std::string& host, int port);

  // Serves until stop(); requests are handled on a thread pool.
  void run();

  // Makes run() return. Thread-safe. Call it once running() is true (a
  // stop() before run() has started listening is lost); the destructor calls it.
  void stop();

  // True while run() is accepting connections. Thread-safe.
  bool running() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pinas::nas
