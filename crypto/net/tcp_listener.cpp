#include "crypto/net/tcp_listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "crypto/net/detail/socket_util.h"

namespace pinas::crypto {

TcpListener::TcpListener(uint16_t port, const std::string& bind_address,
                         const TcpOptions& channel_options)
    : bind_address_(bind_address), channel_options_(channel_options) {
  const std::string where = bind_address + ":" + std::to_string(port);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  if (::inet_pton(AF_INET, bind_address.c_str(), &address.sin_addr) != 1) {
    throw ChannelError("cannot listen on " + where + ": not an IPv4 address");
  }
  socket_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (socket_fd_ < 0) {
    throw ChannelError("cannot listen on " + where + ": " + detail::error_text(errno));
  }
  int one = 1;
  ::setsockopt(socket_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (::bind(socket_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) < 0 ||
      ::listen(socket_fd_, 64) < 0) {
    int error = errno;
    ::close(socket_fd_);
    socket_fd_ = -1;
    throw ChannelError("cannot listen on " + where + ": " + detail::error_text(error));
  }
  socklen_t length = sizeof(address);
  ::getsockname(socket_fd_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
}

TcpListener::~TcpListener() {
  if (socket_fd_ >= 0) ::close(socket_fd_);
}

std::unique_ptr<TcpChannel> TcpListener::accept(std::optional<std::chrono::milliseconds> timeout) {
  const std::string where = bind_address_ + ":" + std::to_string(port_);
  const auto wait = timeout.value_or(std::chrono::milliseconds(-1));
  for (;;) {
    if (!detail::wait_for_socket(socket_fd_, POLLIN, wait, where)) {
      throw ChannelError("no client connected to " + where + " within " +
                         std::to_string(wait.count()) + " ms");
    }
    int client = ::accept4(socket_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (client < 0) {
      // The client may have gone between poll and accept; wait again.
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == ECONNABORTED) {
        continue;
      }
      throw ChannelError("accept on " + where + " failed: " + detail::error_text(errno));
    }
    std::string peer = detail::describe_peer(client);
    try {
      detail::configure_stream_socket(client, peer);
    } catch (...) {
      ::close(client);
      throw;
    }
    return std::make_unique<TcpChannel>(client, peer, channel_options_);
  }
}

}  // namespace pinas::crypto
