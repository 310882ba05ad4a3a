// TcpListener::try_accept tells "no client" from "a client is waiting but the
// process is out of file descriptors" (EMFILE), so a serving loop can back off
// instead of spinning, and accepts the same client once descriptors are free.
#include <gtest/gtest.h>

#include "crypto/net/tcp_channel.h"
#include "crypto/net/tcp_listener.h"
#include "crypto/primitives/crypto_error.h"
#include "tests/crypto/detail/descriptor_exhaustion.h"

namespace pinas::crypto {
namespace {

using Status = TcpListener::AcceptResult::Status;
using std::chrono::milliseconds;

TEST(TcpListenerDescriptors, OutOfDescriptorsIsReportedAndTheClientIsAcceptedAfterwards) {
  TcpListener listener(0);
  EXPECT_EQ(listener.try_accept(milliseconds(50)).status, Status::kTimedOut);
  const int client = test_support::unconnected_socket();
  ASSERT_GE(client, 0);
  {
    test_support::DescriptorExhaustion exhaustion;
    ASSERT_TRUE(exhaustion.exhausted());
    ASSERT_TRUE(test_support::connect_to_loopback(client, listener.port()));
    auto result = listener.try_accept(milliseconds(2000));
    EXPECT_EQ(result.status, Status::kOutOfResources);
    EXPECT_EQ(result.reason, "Too many open files");
    EXPECT_EQ(result.channel, nullptr);
    // accept() reports it as a failure naming the address, not as a timeout.
    try {
      listener.accept(milliseconds(2000));
      ADD_FAILURE() << "accept succeeded without descriptors";
    } catch (const ChannelError& error) {
      EXPECT_NE(std::string(error.what())
                    .find("accept on 127.0.0.1:" + std::to_string(listener.port()) +
                          " failed: Too many open files"),
                std::string::npos)
          << error.what();
    }
  }
  // Descriptors are back: the same queued client is accepted and talks.
  auto result = listener.try_accept(milliseconds(2000));
  ASSERT_EQ(result.status, Status::kAccepted);
  ASSERT_NE(result.channel, nullptr);
  test_support::make_non_blocking(client);
  TcpOptions options;
  options.io_timeout = milliseconds(5000);
  TcpChannel client_channel(client, "the listener", options);
  client_channel.send_uint64(42);
  client_channel.flush();
  EXPECT_EQ(result.channel->receive_uint64(), 42u);
}

}  // namespace
}  // namespace pinas::crypto
