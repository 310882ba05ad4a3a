#include <gtest/gtest.h>

#include <thread>

#include "crypto/net/tcp_channel.h"
#include "crypto/pi/client_session.h"
#include "crypto/pi/fixed_point_evaluator.h"
#include "crypto/pi/inference_server.h"
#include "crypto/pi/pi_error.h"
#include "crypto/pi/session_protocol.h"
#include "tests/pi/detail/random_model.h"

namespace pinas::pi {
namespace {

using testing::mixed_architecture;
using testing::random_model;
using testing::random_pixels;

class ServerFixture : public ::testing::Test {
 protected:
  void start(int workers, std::optional<std::uint64_t> max_sessions) {
    model_ = random_model(mixed_architecture(1, 8, false), {.seed = 17});
    ServerOptions options;
    options.workers = workers;
    options.max_sessions = max_sessions;
    options.io_timeout = std::chrono::milliseconds(5000);
    options.log = [this](const std::string& line) { log_.push_back(line); };
    server_ = std::make_unique<InferenceServer>(model_, FixedPointConfig{}, options);
    thread_ = std::thread([this] { server_->serve(); });
  }
  void TearDown() override {
    if (thread_.joinable()) {
      server_->stop();
      thread_.join();
    }
  }
  std::unique_ptr<crypto::TcpChannel> connect() { return crypto::TcpChannel::connect("127.0.0.1", server_->port()); }
  std::vector<std::uint64_t> expected(const std::vector<float>& pixels) {
    return evaluate_fixed_point(server_->network(), std::span<const std::uint64_t>(
                                                        server_->network().quantize_input(pixels)));
  }

  pb::Model model_;
  std::unique_ptr<InferenceServer> server_;
  std::thread thread_;
  std::vector<std::string> log_;
};

TEST_F(ServerFixture, SurvivesGarbageWrongRingAndDisconnectsThenServesTheNextClient) {
  start(1, 5);
  {  // garbage instead of a hello: a clear refusal
    auto channel = connect();
    for (std::uint64_t word : {0x0123456789ABCDEFULL, 7ULL, 9ULL}) channel->send_uint64(word);
    EXPECT_EQ(channel->receive_string().rfind("refused: not a pinas private-inference client", 0), 0u);
  }
  {  // the wrong ring size: the client gets a clean error naming it
    auto channel = connect();
    ClientSession session(*channel, 32);
    try {
      session.connect();
      FAIL() << "a 32-bit client was accepted by a 64-bit server";
    } catch (const SessionError& error) {
      EXPECT_NE(std::string(error.what()).find("ring bits: server 48, client 32"), std::string::npos)
          << error.what();
    }
  }
  {  // disconnect in the middle of the offline phase
    auto channel = connect();
    ClientSession session(*channel);
    session.connect();
    channel->close();
  }
  {  // garbage in the middle of the protocol (a frame longer than the cap)
    auto channel = connect();
    ClientSession session(*channel);
    session.connect();
    std::uint32_t huge = 0xFFFFFFF0u;
    channel->flush();
    // Write a raw frame header claiming ~4 GiB through a second framing layer:
    // the payload bytes are read by the server as OT messages, then the
    // connection closes mid-frame.
    channel->send(&huge, sizeof(huge));
    channel->close();
  }
  {  // a well-behaved client is still served, bit-exactly
    auto channel = connect();
    ClientSession session(*channel);
    auto pixels = random_pixels(model_, 9);
    auto result = session.run(pixels);
    EXPECT_EQ(result.logits_fixed, expected(pixels));
  }
  thread_.join();
  EXPECT_EQ(server_->sessions_served(), 1u);
  EXPECT_EQ(server_->sessions_failed(), 4u);
  ASSERT_EQ(log_.size(), 5u);
  EXPECT_NE(log_[1].find("ring bits"), std::string::npos) << log_[1];
}

TEST_F(ServerFixture, RefusesClientsBeyondTheWorkerLimitWithAMessage) {
  start(2, std::nullopt);
  auto first = connect();
  auto second = connect();
  ClientSession one(*first), two(*second);
  one.connect();
  two.connect();
  {
    auto third = connect();
    ClientSession three(*third);
    try {
      three.connect();
      FAIL() << "a third client was accepted with --workers 2";
    } catch (const SessionError& error) {
      EXPECT_NE(std::string(error.what()).find("server busy"), std::string::npos) << error.what();
    }
  }
  auto pixels = random_pixels(model_, 1);
  InferenceResult result_one, result_two;
  std::thread other([&] {
    two.offline();
    result_two = two.online(pixels);
  });
  one.offline();
  result_one = one.online(pixels);
  other.join();
  EXPECT_EQ(result_one.logits_fixed, expected(pixels));
  EXPECT_EQ(result_two.logits_fixed, expected(pixels));
  server_->stop();
  thread_.join();
  EXPECT_EQ(server_->sessions_served(), 2u);
  EXPECT_EQ(server_->connections_refused(), 1u);
}

}  // namespace
}  // namespace pinas::pi
