#pragma once

#include <chrono>
#include <string>

namespace pinas::crypto::detail {

// Waits until `socket_fd` is ready for `events` (POLLIN/POLLOUT), for at most
// `timeout` (negative: forever), restarting on EINTR. Returns false on
// timeout; throws ChannelError naming `peer` on a poll failure.
bool wait_for_socket(int socket_fd, short events, std::chrono::milliseconds timeout,
                     const std::string& peer);

// Makes `socket_fd` non-blocking and sets TCP_NODELAY. Throws ChannelError.
void configure_stream_socket(int socket_fd, const std::string& peer);

// "address:port" of a connected socket's peer (IPv4 or IPv6).
std::string describe_peer(int socket_fd);

// strerror(error) as a std::string.
std::string error_text(int error);

}  // namespace pinas::crypto::detail
