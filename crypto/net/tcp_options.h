#pragma once

#include <chrono>

namespace pinas::crypto {

// Timeouts of a TCP connection. A dead or silent peer becomes a ChannelError
// after `io_timeout` of inactivity in one read or write, never a hang.
struct TcpOptions {
  // How long connect() keeps retrying (the server may still be starting) and
  // how long TcpChannel::listen() waits for its one client.
  std::chrono::milliseconds connect_timeout{10000};
  // Longest wait for any progress of one read or write.
  std::chrono::milliseconds io_timeout{60000};
};

}  // namespace pinas::crypto
