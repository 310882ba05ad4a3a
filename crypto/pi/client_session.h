#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "crypto/net/channel.h"
#include "crypto/pi/fixed_point_network.h"
#include "crypto/pi/session_report.h"

namespace pinas::pi {

namespace detail {
struct ClientStepState;
}

// The result of a private inference, on the client.
struct InferenceResult {
  std::vector<std::uint64_t> logits_fixed;  // ring elements, bit-exact with the reference
  std::vector<double> logits;               // dequantized
  std::vector<std::string> class_names;     // from the public description (may be empty)
  SessionReport report;                     // the client's view of the costs
  std::uint64_t rounds = 0;                 // online round trips (flights / 2, rounded up)
};

// The client's side of a private-inference session on a connected channel
// (see session_protocol.h). One-shot: connect(), offline() and online() each
// run at most once, in that order, because a second input sent under the
// same one-time masks would reveal the difference of the two inputs. For
// another input, open a new session. Not thread-safe.
class ClientSession {
 public:
  // `expected_ring_bits`: refuse a server using another ring (0: any).
  explicit ClientSession(crypto::Channel& channel, std::uint32_t expected_ring_bits = 0);
  ~ClientSession();

  // Hello, public description and handshake. Returns the compiled public
  // network (no weights). Throws SessionError when the server refuses
  // (with its reason) or sends a malformed description, HandshakeError,
  // ChannelError.
  const FixedPointNetwork& connect();
  // The offline phase (needs connect()).
  void offline();
  // The online phase on `pixels` (C x H x W floats in [0, 1]; normalized and
  // quantized here). Needs offline(). Throws UsageError on a wrong size.
  InferenceResult online(std::span<const float> pixels);
  // The same from an already quantized input (ring elements at scale f).
  InferenceResult online_quantized(std::span<const std::uint64_t> input);

  // Each phase throws UsageError, before any I/O, when it ran (or was
  // started) already.

  // connect(), offline(), online() in one call.
  InferenceResult run(std::span<const float> pixels);

 private:
  crypto::Channel& channel_;
  std::uint32_t expected_ring_bits_;
  // Set when a phase starts (before its first message), so a failed phase
  // cannot be retried under the same masks either.
  bool connect_started_ = false, offline_started_ = false, online_started_ = false;
  std::optional<FixedPointNetwork> network_;
  SessionReport report_;
  std::vector<std::vector<std::uint64_t>> shares_;  // C_t per tensor
  std::vector<std::unique_ptr<detail::ClientStepState>> states_;
  struct Parties;
  std::unique_ptr<Parties> parties_;
};

}  // namespace pinas::pi
