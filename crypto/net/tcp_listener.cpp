#include "crypto/net/tcp_listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
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

namespace {

// accept(2) errors that belong to the connection being accepted (it was
// reset, or the network failed under it), not to the listener: try again.
bool is_pending_network_error(int error) {
  switch (error) {
    case EAGAIN:
#if EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK:
#endif
    case EINTR:
    case ECONNABORTED:
    case EPROTO:
    case ENETDOWN:
    case ENOPROTOOPT:
    case EHOSTDOWN:
    case ENONET:
    case EHOSTUNREACH:
    case EOPNOTSUPP:
    case ENETUNREACH:
    case EPERM:  // a firewall rule refused this connection
      return true;
    default:
      return false;
  }
}

bool is_out_of_resources(int error) {
  return error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM;
}

}  // namespace

TcpListener::AcceptResult TcpListener::try_accept(std::chrono::milliseconds timeout) {
  using Clock = std::chrono::steady_clock;
  const std::string where = bind_address_ + ":" + std::to_string(port_);
  const bool forever = timeout.count() < 0;
  const auto deadline = Clock::now() + (forever ? std::chrono::milliseconds(0) : timeout);
  AcceptResult result;
  for (;;) {
    auto wait = timeout;
    if (!forever) {
      wait =
          std::max(std::chrono::milliseconds(0),
                   std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
    }
    if (!detail::wait_for_socket(socket_fd_, POLLIN, wait, where)) return result;  // kTimedOut
    int client = ::accept4(socket_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (client < 0) {
      const int error = errno;
      if (is_out_of_resources(error)) {
        result.status = AcceptResult::Status::kOutOfResources;
        result.reason = detail::error_text(error);
        return result;
      }
      // The client may have gone between poll and accept; wait again.
      if (is_pending_network_error(error)) continue;
      throw ChannelError("accept on " + where + " failed: " + detail::error_text(error));
    }
    std::string peer = detail::describe_peer(client);
    try {
      detail::configure_stream_socket(client, peer);
    } catch (...) {
      ::close(client);
      throw;
    }
    result.status = AcceptResult::Status::kAccepted;
    result.channel = std::make_unique<TcpChannel>(client, peer, channel_options_);
    return result;
  }
}

std::unique_ptr<TcpChannel> TcpListener::accept(std::optional<std::chrono::milliseconds> timeout) {
  const std::string where = bind_address_ + ":" + std::to_string(port_);
  const auto wait = timeout.value_or(std::chrono::milliseconds(-1));
  AcceptResult result = try_accept(wait);
  switch (result.status) {
    case AcceptResult::Status::kAccepted:
      return std::move(result.channel);
    case AcceptResult::Status::kOutOfResources:
      throw ChannelError("accept on " + where + " failed: " + result.reason);
    case AcceptResult::Status::kTimedOut:
      break;
  }
  throw ChannelError("no client connected to " + where + " within " + std::to_string(wait.count()) +
                     " ms");
}

}  // namespace pinas::crypto
