#include "crypto/net/detail/socket_util.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "crypto/primitives/crypto_error.h"

namespace pinas::crypto::detail {

bool wait_for_socket(int socket_fd, short events, std::chrono::milliseconds timeout,
                     const std::string& peer) {
  using Clock = std::chrono::steady_clock;
  const bool forever = timeout.count() < 0;
  const auto deadline = Clock::now() + (forever ? std::chrono::milliseconds(0) : timeout);
  for (;;) {
    int wait_ms = -1;
    if (!forever) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      wait_ms = left.count() < 0 ? 0 : static_cast<int>(left.count());
    }
    pollfd descriptor{socket_fd, events, 0};
    int ready = ::poll(&descriptor, 1, wait_ms);
    if (ready > 0) return true;  // ready, or an error/hang-up the next call will report
    if (ready == 0) return false;
    if (errno != EINTR) throw ChannelError("channel to " + peer + ": poll failed: " + error_text(errno));
  }
}

void configure_stream_socket(int socket_fd, const std::string& peer) {
  int flags = ::fcntl(socket_fd, F_GETFL, 0);
  if (flags < 0 || ::fcntl(socket_fd, F_SETFL, flags | O_NONBLOCK) < 0) {
    throw ChannelError("channel to " + peer + ": cannot make the socket non-blocking: " +
                       error_text(errno));
  }
  int one = 1;
  if (::setsockopt(socket_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0) {
    throw ChannelError("channel to " + peer + ": cannot set TCP_NODELAY: " + error_text(errno));
  }
}

std::string describe_peer(int socket_fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof(address);
  if (::getpeername(socket_fd, reinterpret_cast<sockaddr*>(&address), &length) < 0) {
    return "unknown peer";
  }
  char text[INET6_ADDRSTRLEN] = {0};
  if (address.ss_family == AF_INET) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
    ::inet_ntop(AF_INET, &v4->sin_addr, text, sizeof(text));
    return std::string(text) + ":" + std::to_string(ntohs(v4->sin_port));
  }
  if (address.ss_family == AF_INET6) {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
    ::inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof(text));
    // Built with append: operator+ on a literal and a temporary trips a
    // GCC 12 -Wrestrict false positive.
    std::string description = "[";
    description.append(text).append("]:").append(std::to_string(ntohs(v6->sin6_port)));
    return description;
  }
  return "unknown peer";
}

std::string error_text(int error) { return std::strerror(error); }

}  // namespace pinas::crypto::detail
