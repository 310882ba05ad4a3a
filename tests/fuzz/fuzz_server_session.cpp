// A hostile client's bytes into a ServerSession serving a small fixed model:
// every message the server decodes from a client (hello, handshake, the
// offline phase's OT and HE messages, the masked input, the garbled and
// polynomial layers' replies). The first byte picks the variant (HE, OT,
// OT + Circa; tests/fuzz/detail/session_fixture.h); the rest is what the
// client sends, framing included. The session must end in a clean
// pinas::Error or complete; never a crash, a hang or an allocation over the
// cap. Seeds are honest clients' transcripts: run with
// PINAS_FUZZ_WRITE_SEEDS=1 (and -runs=0) in the source tree's root to
// rewrite tests/fuzz/corpus/fuzz_{server,client}_session/.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "crypto/net/local_channel.h"
#include "crypto/pi/server_session.h"
#include "proto/error.h"
#include "tests/fuzz/detail/session_fixture.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (std::getenv("PINAS_FUZZ_WRITE_SEEDS") != nullptr) {
    pinas::fuzz::write_session_seeds("tests/fuzz/corpus/fuzz_server_session",
                                     "tests/fuzz/corpus/fuzz_client_session");
  }
  pinas::fuzz::SessionFixture::get();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto& fixture = pinas::fuzz::SessionFixture::get();
  const auto& network = fixture.networks[data[0] % pinas::fuzz::SessionFixture::kVariants];
  // The client's bytes are all there before the server starts, and the end of
  // the stream follows them, so a short input ends at once, not on a timeout.
  auto [client, channel] =
      pinas::crypto::LocalChannel::create_pair(std::chrono::milliseconds(1000));
  client->send_unframed(data + 1, size - 1);
  client->close();
  try {
    pinas::pi::ServerSession session(network, fixture.description, *channel);
    session.run();
  } catch (const pinas::Error&) {
  }
  return 0;
}
