#pragma once

#include <chrono>
#include <exception>
#include <functional>
#include <thread>

#include "crypto/net/tcp_channel.h"
#include "crypto/net/tcp_listener.h"

namespace pinas::pi::testing {

// Runs `server` on the accepting end and `client` on the connecting end of a
// real loopback TCP connection, in two threads; rethrows the first exception
// of either party (the server's first).
inline void run_two_parties(const std::function<void(crypto::Channel&)>& server,
                            const std::function<void(crypto::Channel&)>& client) {
  crypto::TcpListener listener(0);
  std::exception_ptr server_error, client_error;
  std::thread server_thread([&] {
    try {
      auto channel = listener.accept(std::chrono::milliseconds(10000));
      server(*channel);
      channel->flush();
    } catch (...) {
      server_error = std::current_exception();
    }
  });
  try {
    auto channel = crypto::TcpChannel::connect("127.0.0.1", listener.port());
    client(*channel);
    channel->flush();
  } catch (...) {
    client_error = std::current_exception();
  }
  server_thread.join();
  if (server_error) std::rethrow_exception(server_error);
  if (client_error) std::rethrow_exception(client_error);
}

}  // namespace pinas::pi::testing
