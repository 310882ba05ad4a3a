#pragma once

#include <memory>
#include <string>
#include <vector>

#include "crypto/net/channel.h"
#include "crypto/pi/fixed_point_network.h"
#include "crypto/pi/session_report.h"

namespace pinas::pi {

namespace detail {
struct ServerStepState;
}

// The server's side of one private-inference session on a connected
// channel (see session_protocol.h for the protocol). `network` must be
// compiled with weights; `description` is the encoded public description
// (spaces::encode_model(FixedPointNetwork::public_description(model))).
// Both must outlive the session. One-shot: run() runs once (its masks and
// garbled circuits serve one input). Not thread-safe; distinct sessions on
// distinct channels may run concurrently over the same network.
class ServerSession {
 public:
  ServerSession(const FixedPointNetwork& network, const std::string& description, crypto::Channel& channel);
  ~ServerSession();

  // Runs hello, offline and online phases. Throws SessionError when the
  // client's hello is malformed or asks for another ring (after telling the
  // client why), crypto::HandshakeError, crypto::ChannelError (disconnect,
  // timeout, oversized frame), crypto::ProtocolError; UsageError, before
  // any I/O, when run() was called before.
  SessionReport run();

  // Tells a client that connected while the server is full why it is
  // refused: reads its hello (within the channel's timeout) and answers
  // "refused: <reason>". Throws crypto::ChannelError.
  static void refuse(crypto::Channel& channel, const std::string& reason);

 private:
  void hello();
  void offline();
  void online();

  const FixedPointNetwork& network_;
  const std::string& description_;
  crypto::Channel& channel_;
  SessionReport report_;
  bool started_ = false;  // run() was called: a session is one-shot
  std::vector<std::unique_ptr<detail::ServerStepState>> states_;
  struct Parties;
  std::unique_ptr<Parties> parties_;
};

}  // namespace pinas::pi
