#pragma once

#include <memory>
#include <string>

#include "crypto/net/channel.h"
#include "crypto/net/tcp_channel.h"
#include "crypto/net/tls_context.h"

// OpenSSL's connection type, kept out of consumers' includes.
struct ssl_st;

namespace pinas::crypto {

// A Channel over TLS 1.3 on a TCP connection: the same framing as every
// Channel, inside TLS records. The handshake runs in accept()/connect(),
// within the TCP connection's io_timeout in all; every later read or write
// waits at most io_timeout for progress, as TcpChannel does.
//
// Confirmation byte. In TLS 1.3 the client finishes its handshake before the
// server has checked the client's certificate, so a refused client would
// only learn of it at its first read. The server therefore sends one byte
// (0x01) once it has accepted the client, and connect() waits for it: a
// refusal (no certificate, a certificate from another CA) is a TlsError
// from accept() on the server and from connect() on the client, naming who
// refused whom and why.
//
// Not thread-safe (see Channel). Errors are TlsError (handshake, records)
// or ChannelError (timeouts, disconnects) naming the peer.
class TlsChannel : public Channel {
 public:
  // Server side: the TLS handshake on an accepted connection, with
  // `context` (a server context), then the confirmation byte. Takes the
  // connection's socket (requires: nothing buffered on it, i.e. a fresh
  // connection). Throws TlsError naming the peer and the reason (no client
  // certificate, certificate not signed by the client CA, the client does not
  // speak TLS), ChannelError on timeout.
  static std::unique_ptr<TlsChannel> accept(std::unique_ptr<TcpChannel> connection,
                                            std::shared_ptr<const TlsContext> context);
  // Client side: the handshake with the server named `server_name` (a DNS
  // name or an IP address, which its certificate must match), then the wait
  // for the confirmation byte. Throws TlsError (the server's certificate is
  // not trusted or does not match the name; the server refused our
  // certificate or requires one; the server does not speak TLS),
  // ChannelError on timeout.
  static std::unique_ptr<TlsChannel> connect(std::unique_ptr<TcpChannel> connection,
                                             std::shared_ptr<const TlsContext> context,
                                             const std::string& server_name);

  // Flushes and sends close_notify (best effort), then closes.
  ~TlsChannel() override;
  // As the destructor; later reads and writes throw.
  void close();

  // "TLSv1.3" and the negotiated cipher suite, for logs.
  std::string protocol() const;
  std::string cipher() const;

 protected:
  void write_raw(const uint8_t* data, size_t count) override;
  size_t read_raw(uint8_t* data, size_t count) override;

 private:
  TlsChannel(int socket_fd, std::string peer, const TcpOptions& options,
             std::shared_ptr<const TlsContext> context);
  // Runs the handshake and the confirmation byte; throws as accept/connect.
  void establish(const std::string& server_name);

  int socket_fd_;
  TcpOptions options_;
  std::shared_ptr<const TlsContext> context_;
  ssl_st* ssl_ = nullptr;
};

}  // namespace pinas::crypto
