#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <utility>

#include "crypto/net/channel.h"

namespace pinas::crypto {

namespace detail {
struct LocalPipe;
}

// One end of an in-process channel pair, for unit tests with one thread per
// party. Same framing and errors as TcpChannel: bytes go through a shared
// in-memory pipe as frames. A receive that waits longer than the timeout,
// or a peer that closed (close() or destruction), gives ChannelError.
// Each end is used by one thread; the pair is safe across the two threads.
class LocalChannel : public Channel {
 public:
  // Creates two connected ends.
  static std::pair<std::unique_ptr<LocalChannel>, std::unique_ptr<LocalChannel>> create_pair(
      std::chrono::milliseconds timeout = std::chrono::milliseconds(60000));

  // Flushes (best effort) and closes this end; the peer then sees end of
  // stream after the bytes already sent.
  ~LocalChannel() override;
  void close();

  // Writes bytes to the peer without framing, bypassing send(): lets tests
  // play a hostile peer (garbage prefixes, truncated frames).
  void send_unframed(const void* data, size_t count);

  LocalChannel(std::shared_ptr<detail::LocalPipe> outgoing,
               std::shared_ptr<detail::LocalPipe> incoming, std::chrono::milliseconds timeout);

 protected:
  void write_raw(const uint8_t* data, size_t count) override;
  size_t read_raw(uint8_t* data, size_t count) override;

 private:
  std::shared_ptr<detail::LocalPipe> outgoing_;
  std::shared_ptr<detail::LocalPipe> incoming_;
  std::chrono::milliseconds timeout_;
  bool closed_ = false;
};

}  // namespace pinas::crypto
