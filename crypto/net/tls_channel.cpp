#include "crypto/net/tls_channel.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>

#include "crypto/net/detail/socket_util.h"
#include "crypto/net/detail/tls_errors.h"

namespace pinas::crypto {
namespace {

using Clock = std::chrono::steady_clock;

constexpr uint8_t kAcceptedByte = 0x01;

bool is_ip_address(const std::string& name) {
  unsigned char buffer[sizeof(in6_addr)];
  return ::inet_pton(AF_INET, name.c_str(), buffer) == 1 ||
         ::inet_pton(AF_INET6, name.c_str(), buffer) == 1;
}

bool contains(const std::string& text, const char* part) {
  return text.find(part) != std::string::npos;
}

// Why a handshake failed, in words a user can act on, with OpenSSL's own
// reason after it. `openssl_text` is the drained error queue.
std::string explain_handshake_failure(bool server, const std::string& openssl_text,
                                      long verify_result) {
  const std::string detail = " (" + openssl_text + ")";
  if (contains(openssl_text, "wrong version number") || contains(openssl_text, "http request") ||
      contains(openssl_text, "packet length too long") ||
      contains(openssl_text, "record layer failure") ||
      contains(openssl_text, "unknown protocol")) {
    return std::string(server ? "the client" : "the server") + " does not speak TLS" + detail;
  }
  if (contains(openssl_text, "unsupported protocol") ||
      contains(openssl_text, "protocol version")) {
    return "the peer does not offer TLS 1.3, the only version accepted" + detail;
  }
  if (server) {
    if (contains(openssl_text, "peer did not return a certificate")) {
      return "refused: the client presented no certificate, and client authentication is required" +
             detail;
    }
    if (contains(openssl_text, "certificate verify failed")) {
      return std::string("refused: the client's certificate is not signed by the client CA: ") +
             X509_verify_cert_error_string(verify_result) + detail;
    }
  } else {
    if (contains(openssl_text, "certificate verify failed")) {
      return std::string("the server's certificate is not accepted: ") +
             X509_verify_cert_error_string(verify_result) + detail;
    }
    if (contains(openssl_text, "alert certificate required")) {
      return "refused by the server: it requires a client certificate and none was given" + detail;
    }
    if (contains(openssl_text, "alert unknown ca") ||
        contains(openssl_text, "alert bad certificate") ||
        contains(openssl_text, "alert certificate unknown") ||
        contains(openssl_text, "alert decrypt error")) {
      return "refused by the server: it does not accept our client certificate" + detail;
    }
  }
  return openssl_text;
}

}  // namespace

TlsChannel::TlsChannel(int socket_fd, std::string peer, const TcpOptions& options,
                       std::shared_ptr<const TlsContext> context)
    : Channel(std::move(peer)),
      socket_fd_(socket_fd),
      options_(options),
      context_(std::move(context)) {}

std::unique_ptr<TlsChannel> TlsChannel::accept(std::unique_ptr<TcpChannel> connection,
                                               std::shared_ptr<const TlsContext> context) {
  if (!context || context->role() != TlsContext::Role::kServer) {
    throw TlsError("TLS accept on " + connection->peer() + " needs a server context");
  }
  const std::string peer = connection->peer();
  const TcpOptions options = connection->options();
  const int socket_fd = connection->release_socket();
  std::unique_ptr<TlsChannel> channel(new TlsChannel(socket_fd, peer, options, std::move(context)));
  channel->establish("");
  return channel;
}

std::unique_ptr<TlsChannel> TlsChannel::connect(std::unique_ptr<TcpChannel> connection,
                                                std::shared_ptr<const TlsContext> context,
                                                const std::string& server_name) {
  if (!context || context->role() != TlsContext::Role::kClient) {
    throw TlsError("TLS connect to " + connection->peer() + " needs a client context");
  }
  const std::string peer = connection->peer();
  const TcpOptions options = connection->options();
  const int socket_fd = connection->release_socket();
  std::unique_ptr<TlsChannel> channel(new TlsChannel(socket_fd, peer, options, std::move(context)));
  channel->establish(server_name);
  return channel;
}

void TlsChannel::establish(const std::string& server_name) {
  const bool server = context_->role() == TlsContext::Role::kServer;
  const std::string prefix = "TLS handshake with " + peer() + " failed: ";
  ERR_clear_error();
  ssl_ = SSL_new(context_->native());
  if (ssl_ == nullptr || SSL_set_fd(ssl_, socket_fd_) != 1) {
    throw TlsError(prefix + detail::take_openssl_errors());
  }
  if (!server) {
    X509_VERIFY_PARAM* parameters = SSL_get0_param(ssl_);
    bool named = is_ip_address(server_name)
                     ? X509_VERIFY_PARAM_set1_ip_asc(parameters, server_name.c_str()) == 1
                     : (SSL_set1_host(ssl_, server_name.c_str()) == 1 &&
                        SSL_set_tlsext_host_name(ssl_, server_name.c_str()) == 1);
    if (!named) throw TlsError(prefix + "bad server name \"" + server_name + "\"");
  }
  // The whole handshake, slow peers included, gets one io_timeout: a client
  // sending a byte a minute must not hold a session slot for ever.
  const auto deadline = Clock::now() + options_.io_timeout;
  auto wait = [&](int ssl_error, const char* stage) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    short events = ssl_error == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN;
    if (left.count() <= 0 || !detail::wait_for_socket(socket_fd_, events, left, peer())) {
      throw ChannelError(prefix + "timed out after " + std::to_string(options_.io_timeout.count()) +
                         " ms " + stage);
    }
  };
  auto fail = [&](int ssl_error, const char* stage) {
    std::string openssl_text = detail::take_openssl_errors("");
    if (openssl_text.empty() || contains(openssl_text, "unexpected eof")) {
      if (contains(openssl_text, "unexpected eof") || ssl_error == SSL_ERROR_ZERO_RETURN ||
          ssl_error == SSL_ERROR_SYSCALL) {
        throw TlsError(prefix + "the peer closed the connection " + stage +
                       (server ? "" : " (it may not speak TLS, or refused us)"));
      }
      openssl_text = "TLS error " + std::to_string(ssl_error);
    }
    throw TlsError(prefix +
                   explain_handshake_failure(server, openssl_text, SSL_get_verify_result(ssl_)));
  };
  for (;;) {
    ERR_clear_error();
    int status = server ? SSL_accept(ssl_) : SSL_connect(ssl_);
    if (status == 1) break;
    int ssl_error = SSL_get_error(ssl_, status);
    if (ssl_error == SSL_ERROR_WANT_READ || ssl_error == SSL_ERROR_WANT_WRITE) {
      wait(ssl_error, "during the handshake");
      continue;
    }
    fail(ssl_error, "during the handshake");
  }
  uint8_t byte = kAcceptedByte;
  for (;;) {
    ERR_clear_error();
    int status = server ? SSL_write(ssl_, &byte, 1) : SSL_read(ssl_, &byte, 1);
    if (status == 1) break;
    int ssl_error = SSL_get_error(ssl_, status);
    if (ssl_error == SSL_ERROR_WANT_READ || ssl_error == SSL_ERROR_WANT_WRITE) {
      wait(ssl_error, server ? "sending the acceptance" : "waiting for the server to accept us");
      continue;
    }
    fail(ssl_error, server ? "sending the acceptance" : "waiting for the server to accept us");
  }
  if (!server && byte != kAcceptedByte) {
    throw TlsError(prefix + "the server's acceptance byte is " + std::to_string(byte) + ", not 1");
  }
}

TlsChannel::~TlsChannel() {
  close();
}

void TlsChannel::close() {
  if (socket_fd_ < 0) return;
  if (ssl_ != nullptr) {
    if (SSL_is_init_finished(ssl_)) {
      try_flush();
      ERR_clear_error();
      SSL_shutdown(ssl_);  // our close_notify; the peer's is not awaited
    }
    SSL_free(ssl_);
    ssl_ = nullptr;
    ERR_clear_error();
  }
  ::close(socket_fd_);
  socket_fd_ = -1;
}

std::string TlsChannel::protocol() const {
  return ssl_ ? SSL_get_version(ssl_) : "";
}

std::string TlsChannel::cipher() const {
  return ssl_ ? SSL_get_cipher_name(ssl_) : "";
}

void TlsChannel::write_raw(const uint8_t* data, size_t count) {
  if (socket_fd_ < 0) throw ChannelError("channel to " + peer() + ": write after close");
  while (count > 0) {
    const int chunk = static_cast<int>(std::min<size_t>(count, INT_MAX));
    ERR_clear_error();
    int written = SSL_write(ssl_, data, chunk);
    if (written > 0) {
      data += written;
      count -= static_cast<size_t>(written);
      continue;
    }
    int ssl_error = SSL_get_error(ssl_, written);
    if (ssl_error == SSL_ERROR_WANT_READ || ssl_error == SSL_ERROR_WANT_WRITE) {
      if (!detail::wait_for_socket(socket_fd_, ssl_error == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN,
                                   options_.io_timeout, peer())) {
        throw ChannelError("channel to " + peer() + ": timed out after " +
                           std::to_string(options_.io_timeout.count()) +
                           " ms waiting to send (peer not reading)");
      }
      continue;
    }
    if (ssl_error == SSL_ERROR_SYSCALL || ssl_error == SSL_ERROR_ZERO_RETURN) {
      ERR_clear_error();
      throw ChannelError("channel to " + peer() + ": peer disconnected while sending");
    }
    throw TlsError("channel to " + peer() + ": TLS send failed: " + detail::take_openssl_errors());
  }
}

size_t TlsChannel::read_raw(uint8_t* data, size_t count) {
  if (socket_fd_ < 0) throw ChannelError("channel to " + peer() + ": read after close");
  const int chunk = static_cast<int>(std::min<size_t>(count, INT_MAX));
  for (;;) {
    ERR_clear_error();
    int got = SSL_read(ssl_, data, chunk);
    if (got > 0) return static_cast<size_t>(got);
    int ssl_error = SSL_get_error(ssl_, got);
    if (ssl_error == SSL_ERROR_WANT_READ || ssl_error == SSL_ERROR_WANT_WRITE) {
      if (!detail::wait_for_socket(socket_fd_, ssl_error == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN,
                                   options_.io_timeout, peer())) {
        throw ChannelError("channel to " + peer() + ": timed out after " +
                           std::to_string(options_.io_timeout.count()) +
                           " ms waiting for data from the peer");
      }
      continue;
    }
    // close_notify, or the TCP stream ended without one: an end of stream.
    // The framing above tells a clean end from a truncated frame.
    if (ssl_error == SSL_ERROR_ZERO_RETURN) return 0;
    std::string openssl_text = detail::take_openssl_errors("");
    if (ssl_error == SSL_ERROR_SYSCALL && openssl_text.empty()) {
      if (errno == ECONNRESET) {
        throw ChannelError("channel to " + peer() + ": connection reset by peer");
      }
      return 0;
    }
    if (contains(openssl_text, "unexpected eof")) return 0;
    throw TlsError(
        "channel to " + peer() + ": TLS receive failed: " +
        (openssl_text.empty() ? "TLS error " + std::to_string(ssl_error) : openssl_text));
  }
}

}  // namespace pinas::crypto
