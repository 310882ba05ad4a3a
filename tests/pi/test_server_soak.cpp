// Soak test of the serving loop over loopback: sequential and concurrent
// honest clients mixed with hostile ones (garbage, truncated, oversized,
// slowloris, disconnecting), then a bout of EMFILE. Every honest client gets
// bit-exact logits; every hostile one ends only its own session, with a clean
// error; memory and descriptors are measured before and after.
// Reduced by default (CI); PINAS_SOAK_FULL=1 runs 200 sequential clients and
// 8 concurrent clients x 25 (README's figures).
#include <gtest/gtest.h>
#include <malloc.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "crypto/net/tcp_channel.h"
#include "crypto/pi/client_session.h"
#include "crypto/pi/fixed_point_evaluator.h"
#include "crypto/pi/inference_server.h"
#include "crypto/pi/pi_error.h"
#include "tests/crypto/detail/descriptor_exhaustion.h"
#include "tests/pi/detail/random_model.h"

namespace pinas::pi {
namespace {

using testing::mixed_architecture;
using testing::random_model;
using testing::random_pixels;

std::size_t open_descriptors() {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd"))
    ++count;
  return count;
}

std::size_t resident_kilobytes() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "VmRSS:") {
      std::size_t kilobytes = 0;
      status >> kilobytes;
      return kilobytes;
    }
    std::getline(status, key);
  }
  return 0;
}

enum class Hostile { kGarbage, kTruncated, kOversized, kSlowloris, kDisconnecting };
constexpr int kHostileKinds = 5;
const char* name(Hostile kind) {
  switch (kind) {
    case Hostile::kGarbage:
      return "garbage";
    case Hostile::kTruncated:
      return "truncated";
    case Hostile::kOversized:
      return "oversized";
    case Hostile::kSlowloris:
      return "slowloris";
    case Hostile::kDisconnecting:
      return "disconnecting";
  }
  return "?";
}

// A raw socket connected to the server, for clients that do not speak the
// protocol. Closed by the destructor.
struct RawClient {
  explicit RawClient(std::uint16_t port) : fd(test_support::unconnected_socket()) {
    connected = fd >= 0 && test_support::connect_to_loopback(fd, port);
  }
  ~RawClient() {
    if (fd >= 0) ::close(fd);
  }
  void write(const void* data, std::size_t count) const {
    (void)::send(fd, data, count, MSG_NOSIGNAL);
  }
  // Reads until the server closes; returns what it sent.
  std::string read_to_end() const {
    std::string text;
    char buffer[4096];
    for (;;) {
      ssize_t got = ::recv(fd, buffer, sizeof(buffer), 0);
      if (got <= 0) return text;
      text.append(buffer, static_cast<std::size_t>(got));
    }
  }
  int fd;
  bool connected = false;
};

void frame(std::vector<std::uint8_t>& bytes, const std::vector<std::uint8_t>& payload) {
  const auto length = static_cast<std::uint32_t>(payload.size());
  for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<std::uint8_t>(length >> (8 * i)));
  bytes.insert(bytes.end(), payload.begin(), payload.end());
}

class ServerSoak : public ::testing::Test {
 protected:
  static constexpr auto kIoTimeout = std::chrono::milliseconds(1500);

  void SetUp() override {
    full_ = std::getenv("PINAS_SOAK_FULL") != nullptr;
    model_ = random_model(mixed_architecture(1, 8, false), {.seed = 31});
    ServerOptions options;
    options.workers = 12;
    options.io_timeout = kIoTimeout;
    options.log = [this](const std::string& line) {
      std::lock_guard<std::mutex> lock(mutex_);
      log_.push_back(line);
    };
    server_ = std::make_unique<InferenceServer>(model_, FixedPointConfig{}, options);
    thread_ = std::thread([this] { server_->serve(); });
  }
  void TearDown() override {
    server_->stop();
    thread_.join();
  }

  // One honest client; returns whether its logits were bit-exact.
  bool honest(std::uint64_t seed) {
    auto channel = crypto::TcpChannel::connect("127.0.0.1", server_->port());
    ClientSession session(*channel);
    auto pixels = random_pixels(model_, seed);
    auto result = session.run(pixels);
    return result.logits_fixed ==
           evaluate_fixed_point(server_->network(), std::span<const std::uint64_t>(
                                                        server_->network().quantize_input(pixels)));
  }

  // One hostile client of `kind`; returns whether it saw what a clean server
  // does (a refusal it can read, or the connection closed by the server).
  bool hostile(Hostile kind, std::uint64_t seed) {
    if (kind == Hostile::kDisconnecting) {
      // A real client that hangs up in the middle of the offline phase.
      auto channel = crypto::TcpChannel::connect("127.0.0.1", server_->port());
      ClientSession session(*channel);
      session.connect();
      channel->close();
      return true;
    }
    RawClient client(server_->port());
    if (!client.connected) return false;
    std::vector<std::uint8_t> bytes;
    switch (kind) {
      case Hostile::kGarbage: {  // random bytes in a well-formed frame: refused by name
        std::vector<std::uint8_t> payload(64);
        for (auto& byte : payload)
          byte = static_cast<std::uint8_t>(seed = seed * 6364136223846793005ULL +
                                                  1442695040888963407ULL);
        frame(bytes, payload);
        client.write(bytes.data(), bytes.size());
        return client.read_to_end().find("refused: not a pinas private-inference client") !=
               std::string::npos;
      }
      case Hostile::kTruncated: {  // a frame announcing 24 bytes, 10 sent, then the end
        const std::uint8_t header[4] = {24, 0, 0, 0};
        client.write(header, 4);
        client.write("PINASPI1xx", 10);
        ::shutdown(client.fd, SHUT_WR);
        client.read_to_end();
        return true;
      }
      case Hostile::kOversized: {  // a frame of ~4 GiB announced: refused before any allocation
        const std::uint8_t header[4] = {0xF0, 0xFF, 0xFF, 0xFF};
        client.write(header, 4);
        std::vector<std::uint8_t> filler(1 << 16, 0xAB);
        client.write(filler.data(), filler.size());
        client.read_to_end();
        return true;
      }
      case Hostile::kSlowloris: {  // one byte, then silence past the server's timeout
        const std::uint8_t header[1] = {24};
        client.write(header, 1);
        const auto start = std::chrono::steady_clock::now();
        client.read_to_end();  // returns when the server drops us
        return std::chrono::steady_clock::now() - start < kIoTimeout * 4;
      }
      case Hostile::kDisconnecting:
        break;
    }
    return false;
  }

  bool full_ = false;
  pb::Model model_;
  std::unique_ptr<InferenceServer> server_;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::string> log_;
};

TEST_F(ServerSoak, HonestClientsAreServedBitExactlyAmongHostileOnes) {
  const int sequential = full_ ? 200 : 30;
  const int concurrent_clients = 8, per_thread = full_ ? 25 : 3;
  // Warm up with one concurrent round (thread stacks and the allocator's
  // per-thread arenas grow once to their working size), then measure, with
  // the allocator's free memory given back to the system first.
  std::atomic<int> warmup_wrong{0};
  {
    std::vector<std::thread> warmup;
    for (int c = 0; c < concurrent_clients; ++c) {
      warmup.emplace_back([&, c] {
        if (!honest(1 + c)) ++warmup_wrong;
      });
    }
    for (auto& thread : warmup) thread.join();
  }
  ASSERT_EQ(warmup_wrong.load(), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  ::malloc_trim(0);
  const std::size_t descriptors_before = open_descriptors();
  const std::size_t rss_before = resident_kilobytes();

  std::atomic<int> honest_served{concurrent_clients}, honest_wrong{0}, hostile_sent{0},
      hostile_unclean{0};
  // Sequential: honest clients one after another, a hostile one after every
  // third, cycling through the kinds (slowloris ones run beside the next
  // honest clients, holding a worker until the timeout).
  std::vector<std::thread> slow;
  for (int i = 0; i < sequential; ++i) {
    if (honest(100 + i))
      ++honest_served;
    else
      ++honest_wrong;
    if (i % 3 == 2) {
      auto kind = static_cast<Hostile>((i / 3) % kHostileKinds);
      ++hostile_sent;
      if (kind == Hostile::kSlowloris) {
        slow.emplace_back([&, kind, i] {
          if (!hostile(kind, i)) ++hostile_unclean;
        });
      } else if (!hostile(kind, i)) {
        ++hostile_unclean;
        ADD_FAILURE() << name(kind) << " client saw an unclean server";
      }
    }
  }
  for (auto& thread : slow) thread.join();

  // Concurrent: 8 honest clients at once, beside a thread of hostile ones.
  std::atomic<bool> honest_done{false};
  std::thread attacker([&] {
    for (std::uint64_t i = 0; !honest_done; ++i) {
      ++hostile_sent;
      if (!hostile(static_cast<Hostile>(i % kHostileKinds), 1000 + i)) ++hostile_unclean;
    }
  });
  std::vector<std::thread> clients;
  for (int c = 0; c < concurrent_clients; ++c) {
    clients.emplace_back([&, c] {
      for (int k = 0; k < per_thread; ++k) {
        try {
          if (honest(10000 + 100 * c + k))
            ++honest_served;
          else
            ++honest_wrong;
        } catch (const std::exception& error) {
          ++honest_wrong;
          ADD_FAILURE() << "honest concurrent client failed: " << error.what();
        }
      }
    });
  }
  for (auto& thread : clients) thread.join();
  honest_done = true;
  attacker.join();

  // EMFILE: every descriptor taken while an honest client waits in the
  // listen queue; once they are free it is served.
  {
    const int waiting = test_support::unconnected_socket();
    ASSERT_GE(waiting, 0);
    {
      test_support::DescriptorExhaustion exhaustion;
      ASSERT_TRUE(exhaustion.exhausted());
      ASSERT_TRUE(test_support::connect_to_loopback(waiting, server_->port()));
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    test_support::make_non_blocking(waiting);
    crypto::TcpChannel channel(waiting, "the server", crypto::TcpOptions{});
    ClientSession session(channel);
    auto pixels = random_pixels(model_, 7);
    EXPECT_EQ(session.run(pixels).logits_fixed,
              evaluate_fixed_point(
                  server_->network(),
                  std::span<const std::uint64_t>(server_->network().quantize_input(pixels))));
    ++honest_served;
  }
  EXPECT_GE(server_->accept_failures(), 1u);

  // Let the server reap its finished workers, then measure again.
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  ::malloc_trim(0);
  const std::size_t descriptors_after = open_descriptors();
  const std::size_t rss_after = resident_kilobytes();

  EXPECT_EQ(honest_wrong.load(), 0);
  EXPECT_EQ(hostile_unclean.load(), 0);
  EXPECT_EQ(server_->sessions_served(), static_cast<std::uint64_t>(honest_served.load()));
  EXPECT_EQ(server_->sessions_failed(), static_cast<std::uint64_t>(hostile_sent.load()));
  EXPECT_EQ(server_->connections_refused(), 0u);
  EXPECT_EQ(descriptors_after, descriptors_before);
  // Frame lengths are capped and nothing is allocated from a peer's claim,
  // so 100s of sessions (and a 4 GiB announcement) leave memory flat, up to
  // allocator noise.
  EXPECT_LT(rss_after, rss_before + 64 * 1024)
      << "RSS grew from " << rss_before << " to " << rss_after << " kB";
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& line : log_) {
      if (line.find("failed:") == std::string::npos) continue;
      // Every failure is a clean, named error, never an internal one.
      EXPECT_TRUE(
          line.find("channel to") != std::string::npos || line.find("hello") != std::string::npos ||
          line.find("refused") != std::string::npos || line.find("magic") != std::string::npos)
          << line;
    }
  }
  std::cout << "soak: " << honest_served << " honest clients served bit-exact ("
            << concurrent_clients << " warm-up, " << sequential << " sequential, "
            << concurrent_clients << " x " << per_thread << " concurrent, 1 after EMFILE), "
            << hostile_sent << " hostile survived; RSS " << rss_before << " -> " << rss_after
            << " kB; open descriptors " << descriptors_before << " -> " << descriptors_after
            << "; accept failures (EMFILE) " << server_->accept_failures() << std::endl;
}

}  // namespace
}  // namespace pinas::pi
