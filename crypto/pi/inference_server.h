#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "crypto/net/tcp_options.h"
#include "crypto/pi/fixed_point_network.h"
#include "crypto/pi/session_report.h"
#include "proto/model.pb.h"

namespace pinas::crypto {
class Channel;
class TcpChannel;
class TcpListener;
class TlsContext;
}  // namespace pinas::crypto

namespace pinas::pi {

// One session's end as data, for machine-readable logs (serve --json).
struct ServerEvent {
  enum class Kind { kServed, kFailed, kRefused };
  Kind kind = Kind::kServed;
  std::string peer;
  std::string error;     // kFailed: the error; kRefused: the reason
  SessionReport report;  // kServed: the server's view of the session
};

// How `pinas serve` serves.
struct ServerOptions {
  std::uint16_t port = 0;  // 0: pick a free port (see InferenceServer::port)
  std::string bind_address = "127.0.0.1";
  // 1: clients are served one after another (later ones wait in the listen
  // queue). N > 1: up to N sessions run concurrently and a client arriving
  // when N are running is refused at once with "refused: server busy".
  int workers = 1;
  // Stop after this many sessions (served or failed; refusals excluded).
  std::optional<std::uint64_t> max_sessions;
  // A client silent for this long mid-protocol is dropped.
  std::chrono::milliseconds io_timeout{60000};
  // TLS 1.3 for every connection (a server context, see
  // crypto::TlsContext::server); with a client CA in it, only clients with a
  // certificate from that CA are served and the others are refused at the
  // handshake (logged; the server keeps serving). Null: plain TCP, meant for
  // loopback and tests (serve() logs a warning on another address).
  std::shared_ptr<const crypto::TlsContext> tls;
  // Receives one line per event (listening, session served or failed,
  // refusal). Called from worker threads, serialized by the server.
  std::function<void(const std::string&)> log;
  // Receives each session's end as data, after its log line. Called from
  // worker threads, serialized with `log`.
  std::function<void(const ServerEvent&)> on_event;
};

// The serving loop of `pinas serve`: for each client connection, a
// ServerSession (offline phase, then online) on the compiled network. A
// client that misbehaves (garbage, wrong ring, disconnect, timeout) ends its
// own session with a logged error; the server keeps serving.
// Thread-safety: serve() runs on one thread; stop() and the counters may be
// used from any thread.
class InferenceServer {
 public:
  // Compiles `model` (throws CompileError / UsageError) and binds the port
  // (throws crypto::ChannelError naming the address).
  InferenceServer(const pb::Model& model, const FixedPointConfig& config, ServerOptions options);
  ~InferenceServer();

  std::uint16_t port() const;
  const FixedPointNetwork& network() const { return network_; }

  // Serves until stop() is called or max_sessions sessions have ended; waits
  // for running sessions before returning. Client failures never escape.
  // When accepting fails for lack of file descriptors or socket memory
  // (EMFILE, ENFILE, ENOBUFS, ENOMEM), it logs once, backs off (10 ms,
  // doubling to 1 s) and keeps serving; the waiting clients are served once
  // descriptors are free. When the listening socket itself fails, logs it,
  // waits for the running sessions and throws crypto::ChannelError.
  void serve();
  void stop() { stopping_ = true; }

  std::uint64_t sessions_served() const { return served_; }
  std::uint64_t sessions_failed() const { return failed_; }
  std::uint64_t connections_refused() const { return refused_; }
  // Accept calls that failed for lack of descriptors or memory (each one
  // followed by a back-off).
  std::uint64_t accept_failures() const { return accept_failures_; }

 private:
  void log(const std::string& line);
  void report(const ServerEvent& event);
  // The session's transport: `connection` itself, or TLS over it. Throws
  // crypto::TlsError / ChannelError when the TLS handshake fails.
  std::unique_ptr<crypto::Channel> secure(std::unique_ptr<crypto::TcpChannel> connection) const;

  FixedPointNetwork network_;
  std::string description_;
  ServerOptions options_;
  std::unique_ptr<crypto::TcpListener> listener_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> served_{0}, failed_{0}, refused_{0}, accept_failures_{0};
  struct Workers;
  std::unique_ptr<Workers> workers_;
};

}  // namespace pinas::pi
