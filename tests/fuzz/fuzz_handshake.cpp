// A hostile peer's bytes as the answer to crypto::handshake(): the local
// parameters go out, the peer's are read and compared. A clean pinas::Error
// (HandshakeError naming the field, ChannelError for a short or oversized
// frame), or agreement, which only the exact parameters may reach.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>

#include "crypto/net/handshake.h"
#include "crypto/net/local_channel.h"
#include "proto/error.h"
#include "tests/fuzz/detail/recording_channel.h"
#include "tests/fuzz/detail/seed_files.h"

// Seeds: an honest peer's handshake, and one with another ring.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (!pinas::fuzz::writing_seeds()) return 0;
  for (std::uint32_t ring : {48u, 32u}) {
    auto [peer, ours] = pinas::fuzz::recording_pair(std::chrono::milliseconds(10000));
    pinas::crypto::ProtocolParameters parameters;
    parameters.ring_bits = ring;
    parameters.circuit_id = "fuzz-model-digest";
    std::thread other([&, &peer = peer] {
      try {
        pinas::crypto::handshake(*peer, parameters);
      } catch (const pinas::Error&) {
      }
    });
    pinas::crypto::ProtocolParameters local = parameters;
    local.ring_bits = 48;
    try {
      pinas::crypto::handshake(*ours, local);
    } catch (const pinas::Error&) {
    }
    other.join();
    pinas::fuzz::write_seed("fuzz_handshake", "ring" + std::to_string(ring) + ".bin",
                            std::string_view(reinterpret_cast<const char*>(ours->received.data()),
                                             ours->received.size()));
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto [peer, channel] = pinas::crypto::LocalChannel::create_pair(std::chrono::milliseconds(1000));
  peer->send_unframed(data, size);
  peer->close();
  pinas::crypto::ProtocolParameters parameters;
  parameters.ring_bits = 48;
  parameters.circuit_id = "fuzz-model-digest";
  try {
    pinas::crypto::handshake(*channel, parameters);
  } catch (const pinas::Error&) {
    return 0;
  }
  // Agreed: the peer must have sent our circuit id (a digest of the model in
  // a session), so agreement cannot be reached by other bytes.
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (bytes.find(parameters.circuit_id) == std::string_view::npos) __builtin_trap();
  return 0;
}
