// Base OT and IKNP OT extension: every flavour checked against the choice
// bits, for batch sizes that are not multiples of 128, that cross chunk
// boundaries and that exceed a million, both in-process and over loopback TCP.
#include <gtest/gtest.h>

#include <chrono>
#include <exception>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "crypto/net/local_channel.h"
#include "crypto/net/tcp_channel.h"
#include "crypto/net/tcp_listener.h"
#include "crypto/ot/base_ot_receiver.h"
#include "crypto/ot/base_ot_sender.h"
#include "crypto/ot/iknp_receiver.h"
#include "crypto/ot/iknp_sender.h"
#include "crypto/primitives/prg.h"

namespace pinas::crypto {
namespace {

using std::chrono::milliseconds;

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

enum class Transport { kInProcess, kTcp };

using ChannelPair = std::pair<std::unique_ptr<Channel>, std::unique_ptr<Channel>>;

ChannelPair make_channels(Transport transport) {
  if (transport == Transport::kInProcess) {
    auto [first, second] = LocalChannel::create_pair(milliseconds(20000));
    return {std::move(first), std::move(second)};
  }
  TcpOptions options;
  options.io_timeout = milliseconds(20000);
  TcpListener listener(0, "127.0.0.1", options);
  auto client = TcpChannel::connect("127.0.0.1", listener.port(), options);
  auto server = listener.accept(milliseconds(5000));
  return {std::move(client), std::move(server)};
}

std::string transport_name(const testing::TestParamInfo<Transport>& info) {
  return info.param == Transport::kTcp ? "Tcp" : "InProcess";
}

class OtTest : public testing::TestWithParam<Transport> {
 protected:
  void SetUp() override {
    channels_ = make_channels(GetParam());
    sender_ = std::make_unique<IknpSender>(*channels_.first);
    receiver_ = std::make_unique<IknpReceiver>(*channels_.second);
  }
  void set_up_extension(const Block& delta) {
    run_two_parties([&] { sender_->setup(delta); }, [&] { receiver_->setup(); });
  }

  ChannelPair channels_;
  std::unique_ptr<IknpSender> sender_;
  std::unique_ptr<IknpReceiver> receiver_;
};

INSTANTIATE_TEST_SUITE_P(Transports, OtTest, testing::Values(Transport::kInProcess, Transport::kTcp),
                         transport_name);

const std::vector<size_t> kBatchSizes = {1, 127, 128, 129, 1000, 16384 + 129, 1000003};

TEST_P(OtTest, BaseOtReceiverGetsTheChosenKey) {
  Prg prg(Block::from_uint64(11, 12));
  BitVector choices = prg.random_bits(128);
  std::vector<Block> zero(128), one(128), received(128);
  run_two_parties([&] { BaseOtSender::send(*channels_.first, zero, one); },
                  [&] { BaseOtReceiver::receive(*channels_.second, choices, received); });
  for (size_t i = 0; i < 128; ++i) {
    EXPECT_EQ(received[i], choices[i] ? one[i] : zero[i]) << i;
    EXPECT_NE(zero[i], one[i]);
  }
}

TEST_P(OtTest, CorrelatedOtWithChosenDelta) {
  const Block delta = Block::from_uint64(0x0123456789abcdefULL, 0x1122334455667789ULL);
  ASSERT_TRUE(delta.lsb());
  set_up_extension(delta);
  EXPECT_EQ(sender_->delta(), delta);
  Prg prg(Block::from_uint64(1, 2));
  for (size_t count : kBatchSizes) {
    BitVector choices = prg.random_bits(count);
    std::vector<Block> zero(count), received(count);
    run_two_parties([&] { sender_->send_correlated(zero); },
                    [&] { receiver_->receive_correlated(choices, received); });
    size_t mismatches = 0;
    for (size_t j = 0; j < count; ++j) {
      mismatches += received[j] != (choices[j] ? zero[j] ^ delta : zero[j]);
    }
    EXPECT_EQ(mismatches, 0u) << "batch of " << count;
    EXPECT_NE(zero[0], zero[count - 1 == 0 ? 0 : count - 1] ^ Block::all_ones());
  }
  EXPECT_EQ(sender_->ots_extended(), receiver_->ots_extended());
}

TEST_P(OtTest, RandomOt) {
  set_up_extension(Block::from_uint64(5, 7));
  Prg prg(Block::from_uint64(3, 4));
  for (size_t count : kBatchSizes) {
    BitVector choices = prg.random_bits(count);
    std::vector<Block> zero(count), one(count), received(count);
    run_two_parties([&] { sender_->send_random(zero, one); },
                    [&] { receiver_->receive_random(choices, received); });
    size_t mismatches = 0;
    size_t equal_pairs = 0;
    for (size_t j = 0; j < count; ++j) {
      mismatches += received[j] != (choices[j] ? one[j] : zero[j]);
      equal_pairs += zero[j] == one[j];
    }
    EXPECT_EQ(mismatches, 0u) << "batch of " << count;
    EXPECT_EQ(equal_pairs, 0u);
    // Hashed messages carry no visible correlation.
    if (count > 1) {
      EXPECT_NE(zero[0] ^ one[0], zero[1] ^ one[1]);
    }
  }
}

TEST_P(OtTest, ChosenMessageOt) {
  set_up_extension(Block::from_uint64(9, 9));
  Prg prg(Block::from_uint64(5, 6));
  for (size_t count : kBatchSizes) {
    BitVector choices = prg.random_bits(count);
    std::vector<Block> zero(count), one(count), received(count);
    prg.random_blocks(zero.data(), count);
    prg.random_blocks(one.data(), count);
    run_two_parties([&] { sender_->send_chosen(zero, one); },
                    [&] { receiver_->receive_chosen(choices, received); });
    size_t mismatches = 0;
    for (size_t j = 0; j < count; ++j) mismatches += received[j] != (choices[j] ? one[j] : zero[j]);
    EXPECT_EQ(mismatches, 0u) << "batch of " << count;
  }
}

TEST_P(OtTest, RingCorrelatedOt) {
  set_up_extension(Block::from_uint64(2, 3));
  Prg prg(Block::from_uint64(7, 8));
  for (unsigned ring_bits : {1u, 17u, 32u, 64u}) {
    const uint64_t mask = ring_bits == 64 ? ~uint64_t{0} : (uint64_t{1} << ring_bits) - 1;
    for (size_t count : kBatchSizes) {
      if (count > 100000 && ring_bits != 32) continue;  // one large batch is enough per flavour
      BitVector choices = prg.random_bits(count);
      std::vector<uint64_t> correlations(count), zero(count), received(count);
      for (auto& c : correlations) c = prg.random_uint64() & mask;
      run_two_parties(
          [&] { sender_->send_ring_correlated(correlations, zero, ring_bits); },
          [&] { receiver_->receive_ring_correlated(choices, received, ring_bits); });
      size_t mismatches = 0;
      size_t out_of_range = 0;
      for (size_t j = 0; j < count; ++j) {
        const uint64_t expected = (zero[j] + (choices[j] ? correlations[j] : 0)) & mask;
        mismatches += received[j] != expected;
        out_of_range += (zero[j] & ~mask) != 0 || (received[j] & ~mask) != 0;
      }
      EXPECT_EQ(mismatches, 0u) << "batch of " << count << ", ring bits " << ring_bits;
      EXPECT_EQ(out_of_range, 0u);
    }
  }
}

TEST_P(OtTest, FlavoursInterleaveOnOneSetup) {
  set_up_extension(Block::from_uint64(0, 1));
  Prg prg(Block::from_uint64(9, 10));
  for (int round = 0; round < 3; ++round) {
    BitVector choices = prg.random_bits(300);
    std::vector<Block> zero(300), one(300), received(300);
    run_two_parties([&] { sender_->send_correlated(zero); },
                    [&] { receiver_->receive_correlated(choices, received); });
    for (size_t j = 0; j < 300; ++j) {
      ASSERT_EQ(received[j], choices[j] ? zero[j] ^ sender_->delta() : zero[j]);
    }
    run_two_parties([&] { sender_->send_random(zero, one); },
                    [&] { receiver_->receive_random(choices, received); });
    for (size_t j = 0; j < 300; ++j) ASSERT_EQ(received[j], choices[j] ? one[j] : zero[j]);
  }
}

TEST_P(OtTest, RandomDeltaHasColourBitSet) {
  run_two_parties([&] { sender_->setup(); }, [&] { receiver_->setup(); });
  EXPECT_TRUE(sender_->delta().lsb());
  EXPECT_THROW(sender_->setup(), ProtocolError);
}

TEST(Ot, ExtensionBeforeSetupAndSizeMismatchesAreErrors) {
  auto [first, second] = LocalChannel::create_pair(milliseconds(1000));
  IknpSender sender(*first);
  IknpReceiver receiver(*second);
  std::vector<Block> blocks(10);
  EXPECT_THROW(sender.send_correlated(blocks), ProtocolError);
  EXPECT_THROW(receiver.receive_correlated(BitVector(10), blocks), ProtocolError);
  EXPECT_THROW(receiver.receive_correlated(BitVector(11), blocks), ProtocolError);
  std::vector<Block> fewer(9);
  EXPECT_THROW(sender.send_random(blocks, fewer), ProtocolError);
  std::vector<uint64_t> values(10);
  EXPECT_THROW(sender.send_ring_correlated(values, values, 65), ProtocolError);
}

TEST(Ot, BaseOtRejectsInvalidPoints) {
  // A hostile base-OT receiver answers with bytes that are not a point.
  auto [first, second] = LocalChannel::create_pair(milliseconds(5000));
  std::vector<Block> zero(4), one(4);
  run_two_parties(
      [&] {
        try {
          BaseOtSender::send(*first, zero, one);
          FAIL() << "invalid point accepted";
        } catch (const ProtocolError& error) {
          EXPECT_NE(std::string(error.what()).find("point B[0] from in-process peer is not a "
                                                   "valid ristretto255 point"),
                    std::string::npos)
              << error.what();
        }
      },
      [&] {
        uint8_t sender_point[32];
        second->receive(sender_point, 32);
        std::vector<uint8_t> garbage(4 * 32, 0xFF);
        second->send(garbage.data(), garbage.size());
        second->flush();
      });
  // A hostile base-OT sender sends the identity element as A.
  auto [third, fourth] = LocalChannel::create_pair(milliseconds(5000));
  std::vector<Block> keys(4);
  run_two_parties(
      [&] {
        uint8_t identity[32] = {0};
        third->send(identity, 32);
        third->flush();
      },
      [&] {
        EXPECT_THROW(BaseOtReceiver::receive(*fourth, BitVector(4), keys), ProtocolError);
      });
}

TEST(Ot, PeerDisconnectingMidExtensionIsAnErrorNotAHang) {
  TcpOptions options;
  options.io_timeout = milliseconds(2000);
  TcpListener listener(0, "127.0.0.1", options);
  auto client = TcpChannel::connect("127.0.0.1", listener.port(), options);
  auto server = listener.accept(milliseconds(5000));
  IknpSender sender(*client);
  IknpReceiver receiver(*server);
  run_two_parties([&] { sender.setup(); }, [&] { receiver.setup(); });
  // The receiver sends only part of the u matrix of a 100000-OT extension,
  // then disconnects.
  std::vector<Block> partial(5000);
  server->send_blocks(partial);
  server->flush();
  server.reset();
  std::vector<Block> zero(100000);
  auto start = std::chrono::steady_clock::now();
  try {
    sender.send_correlated(zero);
    FAIL() << "no error";
  } catch (const ChannelError& error) {
    EXPECT_NE(std::string(error.what()).find("127.0.0.1:"), std::string::npos);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(4000));
}

TEST(Ot, AbsurdFrameMidExtensionIsAnError) {
  auto [first, second] = LocalChannel::create_pair(milliseconds(2000));
  IknpSender sender(*first);
  IknpReceiver receiver(*second);
  run_two_parties([&] { sender.setup(); }, [&] { receiver.setup(); });
  const uint32_t absurd = 0x7FFFFFFFu;
  second->send_unframed(&absurd, sizeof(absurd));
  std::vector<Block> zero(1000);
  try {
    sender.send_correlated(zero);
    FAIL() << "no error";
  } catch (const ChannelError& error) {
    EXPECT_NE(std::string(error.what()).find("frame length prefix 2147483647 exceeds the cap"),
              std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace pinas::crypto
