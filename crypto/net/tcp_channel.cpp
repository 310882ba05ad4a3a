#include "crypto/net/tcp_channel.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "crypto/net/detail/socket_util.h"
#include "crypto/net/tcp_listener.h"

namespace pinas::crypto {
namespace {

using Clock = std::chrono::steady_clock;

// One non-blocking connect attempt to `address`; returns the connected socket,
// or -1 with `error` set. Waits at most until `deadline`.
int try_connect(const addrinfo& address, Clock::time_point deadline, int& error,
                const std::string& peer) {
  int socket_fd = ::socket(address.ai_family, address.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                           address.ai_protocol);
  if (socket_fd < 0) {
    error = errno;
    return -1;
  }
  if (::connect(socket_fd, address.ai_addr, address.ai_addrlen) == 0) return socket_fd;
  if (errno != EINPROGRESS) {
    error = errno;
    ::close(socket_fd);
    return -1;
  }
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  if (left.count() < 0) left = std::chrono::milliseconds(0);
  if (!detail::wait_for_socket(socket_fd, POLLOUT, left, peer)) {
    error = ETIMEDOUT;
    ::close(socket_fd);
    return -1;
  }
  int socket_error = 0;
  socklen_t length = sizeof(socket_error);
  ::getsockopt(socket_fd, SOL_SOCKET, SO_ERROR, &socket_error, &length);
  if (socket_error != 0) {
    error = socket_error;
    ::close(socket_fd);
    return -1;
  }
  return socket_fd;
}

}  // namespace

std::unique_ptr<TcpChannel> TcpChannel::connect(const std::string& host, uint16_t port,
                                                const TcpOptions& options) {
  const std::string peer = host + ":" + std::to_string(port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* addresses = nullptr;
  int status = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &addresses);
  if (status != 0) {
    throw ChannelError("cannot resolve " + peer + ": " + ::gai_strerror(status));
  }
  const auto deadline = Clock::now() + options.connect_timeout;
  int last_error = ETIMEDOUT;
  int socket_fd = -1;
  // Retry refused connections: the server may still be starting.
  while (socket_fd < 0) {
    for (addrinfo* address = addresses; address != nullptr && socket_fd < 0;
         address = address->ai_next) {
      socket_fd = try_connect(*address, deadline, last_error, peer);
    }
    if (socket_fd >= 0 || Clock::now() >= deadline) break;
    if (last_error != ECONNREFUSED && last_error != ETIMEDOUT && last_error != EAGAIN) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::freeaddrinfo(addresses);
  if (socket_fd < 0) {
    throw ChannelError("cannot connect to " + peer + " within " +
                       std::to_string(options.connect_timeout.count()) +
                       " ms: " + detail::error_text(last_error));
  }
  try {
    detail::configure_stream_socket(socket_fd, peer);
  } catch (...) {
    ::close(socket_fd);
    throw;
  }
  return std::make_unique<TcpChannel>(socket_fd, peer, options);
}

std::unique_ptr<TcpChannel> TcpChannel::listen(uint16_t port, const TcpOptions& options) {
  TcpListener listener(port, "127.0.0.1", options);
  return listener.accept(options.connect_timeout);
}

TcpChannel::TcpChannel(int socket_fd, std::string peer, const TcpOptions& options)
    : Channel(std::move(peer)), socket_fd_(socket_fd), options_(options) {}

TcpChannel::~TcpChannel() {
  close();
}

void TcpChannel::close() {
  if (socket_fd_ < 0) return;
  try_flush();
  ::close(socket_fd_);
  socket_fd_ = -1;
}

int TcpChannel::release_socket() {
  if (socket_fd_ < 0) throw ChannelError("channel to " + peer() + ": released after close");
  if (bytes_sent() != 0 || bytes_received() != 0) {
    throw ChannelError("channel to " + peer() + ": cannot hand over a connection already in use");
  }
  int socket_fd = socket_fd_;
  socket_fd_ = -1;
  return socket_fd;
}

std::optional<uint8_t> TcpChannel::peek_first_byte() {
  if (socket_fd_ < 0) throw ChannelError("channel to " + peer() + ": peek after close");
  for (;;) {
    uint8_t byte = 0;
    ssize_t got = ::recv(socket_fd_, &byte, 1, MSG_PEEK);
    if (got == 1) return byte;
    if (got == 0) return std::nullopt;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (!detail::wait_for_socket(socket_fd_, POLLIN, options_.io_timeout, peer())) {
        throw ChannelError("channel to " + peer() + ": timed out after " +
                           std::to_string(options_.io_timeout.count()) +
                           " ms waiting for the peer's first byte");
      }
      continue;
    }
    if (errno == ECONNRESET)
      throw ChannelError("channel to " + peer() + ": connection reset by peer");
    throw ChannelError("channel to " + peer() + ": receive failed: " + detail::error_text(errno));
  }
}

void TcpChannel::write_raw(const uint8_t* data, size_t count) {
  if (socket_fd_ < 0) throw ChannelError("channel to " + peer() + ": write after close");
  while (count > 0) {
    ssize_t written = ::send(socket_fd_, data, count, MSG_NOSIGNAL);
    if (written > 0) {
      data += written;
      count -= static_cast<size_t>(written);
      continue;
    }
    if (written < 0 && errno == EINTR) continue;
    if (written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!detail::wait_for_socket(socket_fd_, POLLOUT, options_.io_timeout, peer())) {
        throw ChannelError("channel to " + peer() + ": timed out after " +
                           std::to_string(options_.io_timeout.count()) +
                           " ms waiting to send (peer not reading)");
      }
      continue;
    }
    int error = written < 0 ? errno : EPIPE;
    if (error == EPIPE || error == ECONNRESET) {
      throw ChannelError("channel to " + peer() + ": peer disconnected while sending");
    }
    throw ChannelError("channel to " + peer() + ": send failed: " + detail::error_text(error));
  }
}

size_t TcpChannel::read_raw(uint8_t* data, size_t count) {
  if (socket_fd_ < 0) throw ChannelError("channel to " + peer() + ": read after close");
  for (;;) {
    ssize_t got = ::recv(socket_fd_, data, count, 0);
    if (got >= 0) return static_cast<size_t>(got);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (!detail::wait_for_socket(socket_fd_, POLLIN, options_.io_timeout, peer())) {
        throw ChannelError("channel to " + peer() + ": timed out after " +
                           std::to_string(options_.io_timeout.count()) +
                           " ms waiting for data from the peer");
      }
      continue;
    }
    if (errno == ECONNRESET) {
      throw ChannelError("channel to " + peer() + ": connection reset by peer");
    }
    throw ChannelError("channel to " + peer() + ": receive failed: " + detail::error_text(errno));
  }
}

}  // namespace pinas::crypto
