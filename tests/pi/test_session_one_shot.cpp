// Sessions are one-shot: after a private inference, a second online() on the
// client and a second run() on the server are refused before any byte moves
// (a second input under the same one-time masks would reveal the difference
// of the two inputs). Both parties over real loopback TCP.
#include <gtest/gtest.h>

#include "crypto/net/two_party_loopback.h"
#include "crypto/pi/client_session.h"
#include "crypto/pi/fixed_point_evaluator.h"
#include "crypto/pi/pi_error.h"
#include "crypto/pi/server_session.h"
#include "search_spaces/model_file.h"
#include "tests/pi/detail/random_model.h"

namespace pinas::pi {
namespace {

using testing::mixed_architecture;
using testing::random_model;
using testing::random_pixels;

TEST(SessionOneShot, SecondOnlineAndSecondRunAreRefusedBeforeSendingAnything) {
  const FixedPointConfig config;
  const auto model = random_model(mixed_architecture(1, 8, false), {.seed = 23});
  const auto network = FixedPointNetwork::compile(model, config);
  const std::string description =
      spaces::encode_model(FixedPointNetwork::public_description(model));
  const auto first = random_pixels(model, 1), second = random_pixels(model, 2);
  std::vector<std::uint64_t> logits;
  bool server_refused = false, client_refused_online = false, client_refused_offline = false,
       client_refused_connect = false;
  crypto::run_two_parties_over_loopback(
      [&](crypto::Channel& channel) {
        ServerSession session(network, description, channel);
        session.run();
        const auto received = channel.bytes_received(), sent = channel.bytes_sent();
        try {
          session.run();
        } catch (const UsageError& error) {
          server_refused = std::string(error.what()).find("one-shot") != std::string::npos;
        }
        EXPECT_EQ(channel.bytes_received(), received);
        EXPECT_EQ(channel.bytes_sent(), sent);
      },
      [&](crypto::Channel& channel) {
        ClientSession session(channel);
        logits = session.run(first).logits_fixed;
        const auto sent = channel.bytes_sent();
        try {
          session.online(second);
        } catch (const UsageError& error) {
          client_refused_online = std::string(error.what()).find("one-shot") != std::string::npos;
        }
        try {
          session.offline();
        } catch (const UsageError&) {
          client_refused_offline = true;
        }
        try {
          session.connect();
        } catch (const UsageError&) {
          client_refused_connect = true;
        }
        EXPECT_EQ(channel.bytes_sent(), sent) << "the second input (or a hello) went out";
      });
  EXPECT_TRUE(server_refused);
  EXPECT_TRUE(client_refused_online);
  EXPECT_TRUE(client_refused_offline);
  EXPECT_TRUE(client_refused_connect);
  // The one inference that ran is still right.
  const auto input = network.quantize_input(first);
  EXPECT_EQ(logits, evaluate_fixed_point(network, std::span<const std::uint64_t>(input)));
}

}  // namespace
}  // namespace pinas::pi
