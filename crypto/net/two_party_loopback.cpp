#include "crypto/net/two_party_loopback.h"

#include <exception>
#include <thread>

#include "crypto/net/tcp_listener.h"

namespace pinas::crypto {

void run_two_parties_over_loopback(const std::function<void(TcpChannel&)>& server,
                                   const std::function<void(TcpChannel&)>& client,
                                   std::chrono::milliseconds accept_timeout) {
  TcpListener listener(0);
  std::exception_ptr server_error, client_error;
  std::thread server_thread([&] {
    try {
      auto channel = listener.accept(accept_timeout);
      server(*channel);
      channel->flush();
    } catch (...) {
      server_error = std::current_exception();
    }
  });
  try {
    auto channel = TcpChannel::connect("127.0.0.1", listener.port());
    client(*channel);
    channel->flush();
  } catch (...) {
    client_error = std::current_exception();
  }
  // A client that failed before connecting leaves the server waiting in
  // accept() until its timeout; the join below waits for that.
  server_thread.join();
  if (server_error) std::rethrow_exception(server_error);
  if (client_error) std::rethrow_exception(client_error);
}

}  // namespace pinas::crypto
