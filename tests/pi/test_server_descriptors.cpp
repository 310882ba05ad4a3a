// `pinas serve` survives running out of file descriptors: with RLIMIT_NOFILE
// lowered and every descriptor taken, accepting fails with EMFILE; the server
// logs it once, backs off instead of spinning, and serves the waiting client
// (bit-exact) and the next one once descriptors are free again.
#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include "crypto/net/tcp_channel.h"
#include "crypto/pi/client_session.h"
#include "crypto/pi/fixed_point_evaluator.h"
#include "crypto/pi/inference_server.h"
#include "tests/crypto/detail/descriptor_exhaustion.h"
#include "tests/pi/detail/random_model.h"

namespace pinas::pi {
namespace {

using testing::mixed_architecture;
using testing::random_model;
using testing::random_pixels;

class ServerLog {
 public:
  void add(const std::string& line) {
    std::lock_guard<std::mutex> lock(mutex_);
    lines_.push_back(line);
  }
  // The number of lines containing `text`.
  std::size_t count(const std::string& text) const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::size_t found = 0;
    for (const auto& line : lines_) found += line.find(text) != std::string::npos;
    return found;
  }
  std::string all() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string text;
    for (const auto& line : lines_) text += line + "\n";
    return text;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

TEST(ServerDescriptors, SurvivesEmfileAndServesTheWaitingClientAndTheNext) {
  const auto model = random_model(mixed_architecture(1, 8, false), {.seed = 29});
  ServerLog log;
  ServerOptions options;
  options.max_sessions = 2;
  options.io_timeout = std::chrono::milliseconds(10000);
  options.log = [&log](const std::string& line) { log.add(line); };
  InferenceServer server(model, FixedPointConfig{}, options);
  std::thread serving([&] { server.serve(); });
  auto expected = [&](const std::vector<float>& pixels) {
    return evaluate_fixed_point(
        server.network(), std::span<const std::uint64_t>(server.network().quantize_input(pixels)));
  };

  const int waiting = test_support::unconnected_socket();
  ASSERT_GE(waiting, 0);
  {
    test_support::DescriptorExhaustion exhaustion;
    ASSERT_TRUE(exhaustion.exhausted());
    ASSERT_TRUE(test_support::connect_to_loopback(waiting, server.port()));
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    // Backing off from 10 ms (doubling) makes a handful of attempts in 0.8 s;
    // retrying at once would make hundreds of thousands.
    EXPECT_GE(server.accept_failures(), 2u);
    EXPECT_LE(server.accept_failures(), 12u);
  }
  EXPECT_EQ(log.count("Too many open files; backing off and retrying"), 1u) << log.all();

  test_support::make_non_blocking(waiting);
  crypto::TcpChannel channel(waiting, "the server", crypto::TcpOptions{});
  const auto first = random_pixels(model, 1);
  ClientSession session(channel);
  EXPECT_EQ(session.run(first).logits_fixed, expected(first));

  auto next = crypto::TcpChannel::connect("127.0.0.1", server.port());
  const auto second = random_pixels(model, 2);
  ClientSession next_session(*next);
  EXPECT_EQ(next_session.run(second).logits_fixed, expected(second));

  serving.join();
  EXPECT_EQ(server.sessions_served(), 2u);
  EXPECT_EQ(server.sessions_failed(), 0u);
  EXPECT_EQ(log.count("accepting clients again"), 1u) << log.all();
}

}  // namespace
}  // namespace pinas::pi
