// A hostile peer's bytes, unframed, into a Channel: frames are decoded, a
// string and the protocol handshake are read, then words until the end of
// the stream. Each must end in a clean pinas::Error (ChannelError,
// HandshakeError), never a crash, hang or oversized allocation.
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "crypto/net/handshake.h"
#include "crypto/net/local_channel.h"
#include "proto/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto [peer, channel] = pinas::crypto::LocalChannel::create_pair(std::chrono::milliseconds(1000));
  peer->send_unframed(data, size);
  peer->close();
  try {
    channel->receive_string(1 << 16);
    pinas::crypto::ProtocolParameters parameters;
    parameters.circuit_id = "fuzz";
    pinas::crypto::handshake(*channel, parameters);
    for (;;) channel->receive_uint64();
  } catch (const pinas::Error&) {
  }
  return 0;
}
