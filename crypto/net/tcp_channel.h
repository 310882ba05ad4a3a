#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "crypto/net/channel.h"
#include "crypto/net/tcp_options.h"

namespace pinas::crypto {

// A Channel over a TCP connection: TCP_NODELAY (frames are already batched,
// so Nagle only adds latency), non-blocking socket driven by poll() with
// TcpOptions::io_timeout, SIGPIPE suppressed (MSG_NOSIGNAL). Errors are
// ChannelError naming "host:port". Not thread-safe (see Channel).
class TcpChannel : public Channel {
 public:
  // Connects to host:port (IPv4 or IPv6, numeric or DNS name), retrying
  // refused connections until options.connect_timeout. Throws ChannelError.
  static std::unique_ptr<TcpChannel> connect(const std::string& host, uint16_t port,
                                             const TcpOptions& options = {});
  // Listens on 127.0.0.1:`port` and accepts exactly one client within
  // options.connect_timeout. For serving many clients use TcpListener.
  static std::unique_ptr<TcpChannel> listen(uint16_t port, const TcpOptions& options = {});

  // Takes ownership of the connected socket `socket_fd`.
  TcpChannel(int socket_fd, std::string peer, const TcpOptions& options);
  // Flushes pending bytes (best effort, errors ignored) and closes.
  ~TcpChannel() override;

  // Flushes (best effort) and closes the socket; later calls throw.
  void close();
  bool is_open() const { return socket_fd_ >= 0; }
  const TcpOptions& options() const { return options_; }

  // Hands the socket to another transport (TlsChannel) and leaves this
  // channel closed. requires: nothing sent or received on it yet (no bytes
  // buffered in either direction). Throws ChannelError when it is closed or
  // has been used.
  int release_socket();

  // Waits up to the io_timeout for the peer's first byte and returns it
  // without consuming it (MSG_PEEK), or nullopt at end of stream. Lets a TLS
  // server tell a plain-protocol client (first byte not 0x16, a TLS
  // handshake record) apart and answer it in its own protocol. requires:
  // nothing received yet. Throws ChannelError on timeout or error.
  std::optional<uint8_t> peek_first_byte();

 protected:
  void write_raw(const uint8_t* data, size_t count) override;
  size_t read_raw(uint8_t* data, size_t count) override;

 private:
  int socket_fd_;
  TcpOptions options_;
};

}  // namespace pinas::crypto
