#pragma once

#include <chrono>
#include <functional>

#include "crypto/net/tcp_channel.h"

namespace pinas::crypto {

// Runs both parties of a two-party protocol in one process over a real
// loopback TCP connection (127.0.0.1, an ephemeral port): `server` in a new
// thread on the accepted end, `client` in the calling thread on the
// connecting end. Each end is flushed after its party returns, and closed.
// For tests, benchmarks and `pinas calibrate`, which measure the runtime's
// real sockets rather than an in-process pipe.
// Returns when both parties have returned. Throws the server's exception if
// it threw (it is the one that usually explains the client's), else the
// client's; ChannelError when the connection cannot be made or is not
// accepted within `accept_timeout`. Thread-safe: concurrent calls use
// distinct ports.
void run_two_parties_over_loopback(
    const std::function<void(TcpChannel&)>& server, const std::function<void(TcpChannel&)>& client,
    std::chrono::milliseconds accept_timeout = std::chrono::milliseconds(30000));

}  // namespace pinas::crypto
