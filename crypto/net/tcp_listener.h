#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "crypto/net/tcp_channel.h"
#include "crypto/net/tcp_options.h"

namespace pinas::crypto {

// A listening TCP socket for a serving loop: accept clients one after
// another, each as its own TcpChannel. Port 0 picks a free port (see port()).
// SO_REUSEADDR is set so a restarted server can rebind at once. Not
// thread-safe; the accepted channels are independent of the listener.
class TcpListener {
 public:
  // Binds and listens on bind_address:port. Throws ChannelError naming the
  // address if binding fails (port in use, bad address).
  explicit TcpListener(uint16_t port, const std::string& bind_address = "127.0.0.1",
                       const TcpOptions& channel_options = {});
  ~TcpListener();
  TcpListener(const TcpListener&) = delete;
  TcpListener& operator=(const TcpListener&) = delete;

  // The port actually bound.
  uint16_t port() const { return port_; }

  // Waits for the next client (forever when `timeout` is empty) and returns
  // its channel, which uses the channel options given at construction.
  // Throws ChannelError on timeout or failure.
  std::unique_ptr<TcpChannel> accept(
      std::optional<std::chrono::milliseconds> timeout = std::nullopt);

  // What a serving loop must tell apart: a client, no client within the
  // timeout, or a client waiting that the process cannot accept now because
  // it is out of file descriptors (EMFILE, ENFILE) or socket memory
  // (ENOBUFS, ENOMEM). The client stays queued, so the caller should back
  // off (the socket stays readable: retrying at once would spin) and retry.
  struct AcceptResult {
    enum class Status { kAccepted, kTimedOut, kOutOfResources };
    Status status = Status::kTimedOut;
    std::unique_ptr<TcpChannel> channel;  // set when kAccepted
    std::string reason;                   // for kOutOfResources: strerror text
  };

  // Waits at most `timeout` for one client. Network errors already pending
  // on a new connection (ECONNABORTED, EPROTO, ...) are retried as Linux's
  // accept(2) advises. Throws ChannelError naming the address for any other
  // failure (a closed or invalid listening socket, poll failure).
  AcceptResult try_accept(std::chrono::milliseconds timeout);

 private:
  int socket_fd_ = -1;
  uint16_t port_ = 0;
  std::string bind_address_;
  TcpOptions channel_options_;
};

}  // namespace pinas::crypto
