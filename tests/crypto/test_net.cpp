// Channels: framing round trips in-process and over loopback TCP, and hostile
// or dead peers played by raw sockets (absurd length prefix, truncated frame,
// disconnect, silence), plus the parameter handshake.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <exception>
#include <string>
#include <thread>
#include <vector>

#include "crypto/net/handshake.h"
#include "crypto/net/local_channel.h"
#include "crypto/net/tcp_channel.h"
#include "crypto/net/tcp_listener.h"

namespace pinas::crypto {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// Runs `second` on a new thread and `first` here; rethrows the first failure.
template <typename First, typename Second>
void run_two_parties(First&& first, Second&& second) {
  std::exception_ptr second_error;
  std::thread thread([&] {
    try {
      second();
    } catch (...) {
      second_error = std::current_exception();
    }
  });
  try {
    first();
  } catch (...) {
    thread.join();
    throw;
  }
  thread.join();
  if (second_error) std::rethrow_exception(second_error);
}

// A plain blocking socket connected to 127.0.0.1:port: the hostile peer.
class RawClient {
 public:
  explicit RawClient(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
      throw std::runtime_error("raw connect failed");
    }
  }
  ~RawClient() { close(); }
  void write(const void* data, size_t count) {
    ASSERT_EQ(::send(fd_, data, count, MSG_NOSIGNAL), static_cast<ssize_t>(count));
  }
  void write_prefix(uint32_t length) {
    uint8_t bytes[4];
    for (int i = 0; i < 4; ++i) bytes[i] = static_cast<uint8_t>(length >> (8 * i));
    write(bytes, 4);
  }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

TcpOptions short_timeouts() {
  TcpOptions options;
  options.connect_timeout = milliseconds(2000);
  options.io_timeout = milliseconds(500);
  return options;
}

// Expects `action` to throw ChannelError whose message contains every one
// of `parts`, within `limit`.
template <typename Action>
void expect_channel_error(Action&& action, const std::vector<std::string>& parts,
                          milliseconds limit = milliseconds(3000)) {
  auto start = Clock::now();
  try {
    action();
    FAIL() << "no ChannelError";
  } catch (const ChannelError& error) {
    for (const auto& part : parts) {
      EXPECT_NE(std::string(error.what()).find(part), std::string::npos)
          << "message: " << error.what() << " lacks: " << part;
    }
  }
  EXPECT_LT(Clock::now() - start, limit);
}

void exchange_mixed_messages(Channel& first, Channel& second) {
  std::vector<Block> blocks(1000);
  for (size_t i = 0; i < blocks.size(); ++i) blocks[i] = Block::from_uint64(i, ~i);
  std::vector<uint64_t> numbers = {1, 2, 3, ~uint64_t{0}};
  run_two_parties(
      [&] {
        first.send_blocks(blocks);
        first.send_uint64s(numbers);
        first.send_string("model-7");
        first.flush();
        EXPECT_EQ(first.receive_uint64(), 42u);
      },
      [&] {
        std::vector<Block> got_blocks(blocks.size());
        std::vector<uint64_t> got_numbers(numbers.size());
        second.receive_blocks(got_blocks);
        second.receive_uint64s(got_numbers);
        EXPECT_EQ(got_blocks, blocks);
        EXPECT_EQ(got_numbers, numbers);
        EXPECT_EQ(second.receive_string(), "model-7");
        second.send_uint64(42);
        second.flush();
      });
  const uint64_t payload = blocks.size() * 16 + numbers.size() * 8 + 8 + 7;
  EXPECT_EQ(first.bytes_sent(), payload);
  EXPECT_EQ(second.bytes_received(), payload);
  EXPECT_EQ(first.bytes_received(), 8u);
  EXPECT_EQ(second.bytes_sent(), 8u);
  EXPECT_EQ(first.frames_sent(), 1u);
  EXPECT_EQ(second.frames_sent(), 1u);
}

TEST(LocalChannel, RoundTrip) {
  auto [first, second] = LocalChannel::create_pair();
  exchange_mixed_messages(*first, *second);
}

TEST(TcpChannel, RoundTripOverLoopback) {
  TcpListener listener(0);
  auto client = TcpChannel::connect("127.0.0.1", listener.port(), short_timeouts());
  auto server = listener.accept(milliseconds(2000));
  EXPECT_NE(server->peer().find("127.0.0.1:"), std::string::npos);
  EXPECT_EQ(client->peer(), "127.0.0.1:" + std::to_string(listener.port()));
  exchange_mixed_messages(*client, *server);
}

TEST(TcpChannel, SendLargerThanTheFrameCapIsSplit) {
  TcpListener listener(0);
  auto client = TcpChannel::connect("127.0.0.1", listener.port(), short_timeouts());
  auto server = listener.accept(milliseconds(2000));
  const size_t size = Channel::kMaxFrameBytes + 12345;
  std::vector<uint8_t> data(size);
  for (size_t i = 0; i < size; ++i) data[i] = static_cast<uint8_t>(i * 7 + (i >> 16));
  run_two_parties(
      [&] {
        client->send(data.data(), size);
        client->flush();
      },
      [&] {
        std::vector<uint8_t> got(size);
        server->receive(got.data(), size);
        EXPECT_EQ(got, data);
      });
  EXPECT_GT(client->frames_sent(), size / Channel::kSendBufferBytes);
}

TEST(TcpChannel, AbsurdLengthPrefixIsRefused) {
  TcpListener listener(0, "127.0.0.1", short_timeouts());
  RawClient raw(listener.port());
  auto server = listener.accept(milliseconds(2000));
  raw.write_prefix(0xFFFFFFF0u);
  uint64_t value = 0;
  expect_channel_error([&] { server->receive(&value, sizeof(value)); },
                       {"127.0.0.1:", "frame length prefix 4294967280 exceeds the cap"});
}

TEST(TcpChannel, TruncatedFrameIsAnError) {
  TcpListener listener(0, "127.0.0.1", short_timeouts());
  RawClient raw(listener.port());
  auto server = listener.accept(milliseconds(2000));
  raw.write_prefix(1000);
  std::vector<uint8_t> partial(10, 0xAB);
  raw.write(partial.data(), partial.size());
  raw.close();
  std::vector<uint8_t> buffer(1000);
  expect_channel_error([&] { server->receive(buffer.data(), buffer.size()); },
                       {"127.0.0.1:", "truncated frame", "10 of 1000"});
}

TEST(TcpChannel, TruncatedFrameHeaderIsAnError) {
  TcpListener listener(0, "127.0.0.1", short_timeouts());
  RawClient raw(listener.port());
  auto server = listener.accept(milliseconds(2000));
  uint8_t half_prefix[2] = {5, 0};
  raw.write(half_prefix, 2);
  raw.close();
  uint64_t value = 0;
  expect_channel_error([&] { server->receive(&value, sizeof(value)); },
                       {"truncated frame header (2 of 4 bytes)"});
}

TEST(TcpChannel, DisconnectIsAnError) {
  TcpListener listener(0, "127.0.0.1", short_timeouts());
  RawClient raw(listener.port());
  auto server = listener.accept(milliseconds(2000));
  raw.close();
  uint64_t value = 0;
  expect_channel_error([&] { server->receive(&value, sizeof(value)); },
                       {"127.0.0.1:", "peer closed the connection"});
}

TEST(TcpChannel, SilentPeerTimesOut) {
  TcpListener listener(0, "127.0.0.1", short_timeouts());
  RawClient raw(listener.port());
  auto server = listener.accept(milliseconds(2000));
  raw.write_prefix(64);  // promises 64 bytes, sends none, stays connected
  std::vector<uint8_t> buffer(64);
  expect_channel_error([&] { server->receive(buffer.data(), buffer.size()); },
                       {"127.0.0.1:", "timed out after 500 ms"});
}

TEST(TcpChannel, ConnectToAClosedPortFailsWithinTheTimeout) {
  uint16_t port = 0;
  {
    TcpListener probe(0);  // find a free port, then free it
    port = probe.port();
  }
  TcpOptions options;
  options.connect_timeout = milliseconds(300);
  expect_channel_error([&] { TcpChannel::connect("127.0.0.1", port, options); },
                       {"cannot connect to 127.0.0.1:" + std::to_string(port)});
}

TEST(TcpListener, AcceptTimesOutAndServesClientsOneAfterAnother) {
  TcpListener listener(0);
  expect_channel_error([&] { listener.accept(milliseconds(100)); }, {"no client connected"});
  for (uint64_t client_number = 0; client_number < 3; ++client_number) {
    run_two_parties(
        [&] {
          auto server = listener.accept(milliseconds(2000));
          server->send_uint64(server->receive_uint64() * 10);
          server->flush();
        },
        [&] {
          auto client = TcpChannel::connect("127.0.0.1", listener.port(), short_timeouts());
          client->send_uint64(client_number);
          EXPECT_EQ(client->receive_uint64(), client_number * 10);
        });
  }
}

TEST(TcpListener, BindFailureNamesTheAddress) {
  TcpListener first(0);
  try {
    TcpListener second(first.port());
    FAIL() << "second bind succeeded";
  } catch (const ChannelError& error) {
    EXPECT_NE(std::string(error.what()).find("127.0.0.1:" + std::to_string(first.port())),
              std::string::npos);
  }
}

TEST(LocalChannel, HostileAndDeadPeers) {
  {
    auto [first, second] = LocalChannel::create_pair(milliseconds(500));
    uint32_t absurd = 0xFFFFFFFFu;
    first->send_unframed(&absurd, sizeof(absurd));
    uint64_t value = 0;
    expect_channel_error([&] { second->receive(&value, 8); }, {"in-process peer", "exceeds the cap"});
  }
  {
    auto [first, second] = LocalChannel::create_pair(milliseconds(500));
    uint32_t empty = 0;
    first->send_unframed(&empty, sizeof(empty));
    uint64_t value = 0;
    expect_channel_error([&] { second->receive(&value, 8); }, {"empty frame (length prefix 0)"});
  }
  {
    auto [first, second] = LocalChannel::create_pair(milliseconds(500));
    uint32_t prefix = 100;
    first->send_unframed(&prefix, sizeof(prefix));
    first->send_unframed("abc", 3);
    first->close();
    std::vector<uint8_t> buffer(100);
    expect_channel_error([&] { second->receive(buffer.data(), 100); }, {"truncated frame", "3 of 100"});
  }
  {
    auto [first, second] = LocalChannel::create_pair(milliseconds(300));
    uint64_t value = 0;
    expect_channel_error([&] { second->receive(&value, 8); }, {"timed out after 300 ms"});
    first.reset();
    expect_channel_error([&] { second->receive(&value, 8); }, {"peer closed the connection"});
  }
}

ProtocolParameters parameters(uint32_t ring_bits, const std::string& id) {
  ProtocolParameters result;
  result.ring_bits = ring_bits;
  result.circuit_id = id;
  return result;
}

TEST(Handshake, AgreeingPartiesPassOverTcp) {
  TcpListener listener(0);
  auto client = TcpChannel::connect("127.0.0.1", listener.port(), short_timeouts());
  auto server = listener.accept(milliseconds(2000));
  run_two_parties([&] { handshake(*client, parameters(32, "resnet-a")); },
                  [&] { handshake(*server, parameters(32, "resnet-a")); });
  // The channel stays usable afterwards.
  run_two_parties([&] { client->send_uint64(5); client->flush(); },
                  [&] { EXPECT_EQ(server->receive_uint64(), 5u); });
}

TEST(Handshake, MismatchNamesBothValues) {
  TcpListener listener(0);
  auto client = TcpChannel::connect("127.0.0.1", listener.port(), short_timeouts());
  auto server = listener.accept(milliseconds(2000));
  std::string client_message, server_message;
  run_two_parties(
      [&] {
        try {
          handshake(*client, parameters(32, "net-a"));
        } catch (const HandshakeError& error) {
          client_message = error.what();
        }
      },
      [&] {
        try {
          handshake(*server, parameters(16, "net-b"));
        } catch (const HandshakeError& error) {
          server_message = error.what();
        }
      });
  EXPECT_NE(client_message.find("ring bits: local 32, peer 16"), std::string::npos) << client_message;
  EXPECT_NE(client_message.find("circuit id: local \"net-a\", peer \"net-b\""), std::string::npos);
  EXPECT_NE(client_message.find("handshake with 127.0.0.1:"), std::string::npos);
  EXPECT_NE(server_message.find("ring bits: local 16, peer 32"), std::string::npos) << server_message;
}

TEST(Handshake, VersionMismatchInProcess) {
  auto [first, second] = LocalChannel::create_pair(milliseconds(2000));
  ProtocolParameters newer = parameters(32, "x");
  newer.protocol_version = kProtocolVersion + 1;
  run_two_parties(
      [&] { EXPECT_THROW(handshake(*first, parameters(32, "x")), HandshakeError); },
      [&] {
        try {
          handshake(*second, newer);
          FAIL();
        } catch (const HandshakeError& error) {
          EXPECT_NE(std::string(error.what())
                        .find("protocol version: local " + std::to_string(kProtocolVersion + 1) +
                              ", peer " + std::to_string(kProtocolVersion)),
                    std::string::npos)
              << error.what();
        }
      });
}

TEST(Handshake, GarbagePeerIsRejected) {
  TcpListener listener(0, "127.0.0.1", short_timeouts());
  RawClient raw(listener.port());
  auto server = listener.accept(milliseconds(2000));
  raw.write_prefix(8);
  raw.write("GET / HT", 8);
  try {
    handshake(*server, parameters(32, "x"));
    FAIL();
  } catch (const HandshakeError& error) {
    EXPECT_NE(std::string(error.what()).find("bad magic tag"), std::string::npos);
  }
}

}  // namespace
}  // namespace pinas::crypto
