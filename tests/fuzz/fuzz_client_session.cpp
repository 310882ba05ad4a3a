// A hostile server's bytes into a ClientSession: every message the client
// decodes from a server (the hello's answer, the public description and
// config, the handshake, the offline phase's OT and HE messages, garbled
// tables and labels, the polynomial layers' openings, the output share). The
// client runs connect(), offline() and online() on a fixed input of the
// size the described network asks for. It must end in a clean pinas::Error
// or logits of the described network's class count; never a crash, a hang or
// an allocation over the cap. Seeds: honest servers' transcripts of the three
// variants of tests/fuzz/detail/session_fixture.h (see fuzz_server_session).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "crypto/net/local_channel.h"
#include "crypto/pi/client_session.h"
#include "proto/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto [server, channel] =
      pinas::crypto::LocalChannel::create_pair(std::chrono::milliseconds(1000));
  server->send_unframed(data, size);
  server->close();
  try {
    pinas::pi::ClientSession session(*channel);
    const auto& network = session.connect();
    const auto elements = network.input_info().shape.elements();
    // A described input larger than any image pinas serves is not worth an
    // input vector here; the session's own limits are what is under test.
    if (elements <= 0 || elements > (1 << 20)) return 0;
    session.offline();
    const std::vector<float> pixels(static_cast<std::size_t>(elements), 0.5f);
    const auto result = session.online(pixels);
    if (result.logits_fixed.size() != result.logits.size() ||
        static_cast<std::int64_t>(result.logits.size()) != network.output_info().shape.elements()) {
      __builtin_trap();
    }
  } catch (const pinas::Error&) {
  }
  return 0;
}
