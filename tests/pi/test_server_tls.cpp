// pinas serve over TLS 1.3 with client authentication: who is served, who is
// refused at the handshake (with a clear message on both sides), and that the
// server keeps serving honest clients bit-exactly after each refusal.
#include <gtest/gtest.h>

#include <thread>

#include "crypto/net/tcp_channel.h"
#include "crypto/net/tls_channel.h"
#include "crypto/net/tls_context.h"
#include "crypto/pi/client_session.h"
#include "crypto/pi/fixed_point_evaluator.h"
#include "crypto/pi/inference_server.h"
#include "crypto/pi/pi_error.h"
#include "tests/crypto/detail/test_certificates.h"
#include "tests/pi/detail/random_model.h"

namespace pinas::pi {
namespace {

using crypto::testing::TestCertificates;
using testing::mixed_architecture;
using testing::random_model;
using testing::random_pixels;

class TlsServerFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    certificates_ = TestCertificates::make();
    if (!certificates_)
      GTEST_SKIP() << "skipped: the openssl command-line tool is absent or failed";
  }
  // A server for a small mixed network; with `client_ca` it requires client
  // certificates from it.
  void start(std::optional<std::string> client_ca, std::uint64_t max_sessions) {
    model_ = random_model(mixed_architecture(1, 8, false), {.seed = 23});
    ServerOptions options;
    options.max_sessions = max_sessions;
    options.io_timeout = std::chrono::milliseconds(5000);
    options.log = [this](const std::string& line) { log_.push_back(line); };
    crypto::TlsFiles files{certificates_->path("server.pem"), certificates_->path("server.key"),
                           client_ca.value_or("")};
    options.tls = crypto::TlsContext::server(files);
    server_ = std::make_unique<InferenceServer>(model_, FixedPointConfig{}, options);
    thread_ = std::thread([this] { server_->serve(); });
  }
  void TearDown() override {
    if (thread_.joinable()) {
      server_->stop();
      thread_.join();
    }
  }
  // A TLS client trusting `server_ca`, presenting `name`.pem/key when given.
  std::unique_ptr<crypto::Channel> connect(const std::string& server_ca,
                                           std::optional<std::string> name = std::nullopt,
                                           const std::string& server_name = "127.0.0.1") {
    crypto::TlsFiles files;
    files.peer_ca = server_ca;
    if (name) {
      files.certificate = certificates_->path(*name + ".pem");
      files.private_key = certificates_->path(*name + ".key");
    }
    auto tcp = crypto::TcpChannel::connect("127.0.0.1", server_->port());
    return crypto::TlsChannel::connect(std::move(tcp), crypto::TlsContext::client(files),
                                       server_name);
  }
  // An honest client with the right certificate: served, bit-exact.
  void expect_honest_client_served(std::uint64_t seed) {
    auto channel = connect(certificates_->ca(), "client");
    ClientSession session(*channel);
    auto pixels = random_pixels(model_, seed);
    auto result = session.run(pixels);
    EXPECT_EQ(result.logits_fixed,
              evaluate_fixed_point(
                  server_->network(),
                  std::span<const std::uint64_t>(server_->network().quantize_input(pixels))));
  }
  // The TlsError text a refused client gets.
  std::string refusal(const std::function<void()>& attempt) {
    try {
      attempt();
    } catch (const crypto::TlsError& error) {
      return error.what();
    }
    ADD_FAILURE() << "the client was not refused";
    return "";
  }
  // The server log's lines, joined.
  std::string log_text() {
    std::string text;
    for (const auto& line : log_) text += line + "\n";
    return text;
  }

  std::optional<TestCertificates> certificates_;
  pb::Model model_;
  std::unique_ptr<InferenceServer> server_;
  std::thread thread_;
  std::vector<std::string> log_;
};

TEST_F(TlsServerFixture, ServesAClientWithACertificateFromTheClientCa) {
  start(certificates_->ca(), 2);
  expect_honest_client_served(1);
  expect_honest_client_served(2);
  thread_.join();
  EXPECT_EQ(server_->sessions_served(), 2u);
  EXPECT_EQ(server_->sessions_failed(), 0u);
}

TEST_F(TlsServerFixture, RefusesAClientWithoutACertificateAndKeepsServing) {
  start(certificates_->ca(), 2);
  std::string message = refusal([&] { connect(certificates_->ca()); });
  EXPECT_NE(message.find("requires a client certificate"), std::string::npos) << message;
  expect_honest_client_served(3);
  thread_.join();
  EXPECT_EQ(server_->sessions_served(), 1u);
  EXPECT_EQ(server_->sessions_failed(), 1u);
  EXPECT_NE(log_text().find("the client presented no certificate"), std::string::npos)
      << log_text();
}

TEST_F(TlsServerFixture, RefusesACertificateFromAnotherCaAndKeepsServing) {
  start(certificates_->ca(), 2);
  std::string message = refusal([&] { connect(certificates_->ca(), "stranger"); });
  EXPECT_NE(message.find("does not accept our client certificate"), std::string::npos) << message;
  expect_honest_client_served(4);
  thread_.join();
  EXPECT_EQ(server_->sessions_served(), 1u);
  EXPECT_EQ(server_->sessions_failed(), 1u);
  EXPECT_NE(log_text().find("not signed by the client CA"), std::string::npos) << log_text();
}

TEST_F(TlsServerFixture, RefusesAPlainTcpClientAndKeepsServing) {
  start(certificates_->ca(), 2);
  {
    auto channel = crypto::TcpChannel::connect("127.0.0.1", server_->port());
    ClientSession session(*channel);
    try {
      session.connect();
      FAIL() << "a plain-TCP client was served by a TLS server";
    } catch (const SessionError& error) {
      EXPECT_NE(
          std::string(error.what()).find("refused: this server accepts TLS 1.3 connections only"),
          std::string::npos)
          << error.what();
    }
  }
  expect_honest_client_served(5);
  thread_.join();
  EXPECT_EQ(server_->sessions_served(), 1u);
  EXPECT_EQ(server_->sessions_failed(), 1u);
  EXPECT_NE(log_text().find("the client does not speak TLS"), std::string::npos) << log_text();
}

TEST_F(TlsServerFixture, ClientRefusesAServerItCannotAuthenticate) {
  start(std::nullopt, 3);
  // A server certificate from a CA the client does not trust.
  std::string untrusted = refusal([&] { connect(certificates_->other_ca()); });
  EXPECT_NE(untrusted.find("the server's certificate is not accepted"), std::string::npos)
      << untrusted;
  // A trusted certificate that does not name the host the client asked for.
  std::string wrong_name =
      refusal([&] { connect(certificates_->ca(), std::nullopt, "example.org"); });
  EXPECT_NE(wrong_name.find("the server's certificate is not accepted"), std::string::npos)
      << wrong_name;
  // Without client authentication, a client with no certificate is served.
  {
    auto channel = connect(certificates_->ca());
    ClientSession session(*channel);
    auto pixels = random_pixels(model_, 6);
    EXPECT_EQ(session.run(pixels).logits_fixed,
              evaluate_fixed_point(
                  server_->network(),
                  std::span<const std::uint64_t>(server_->network().quantize_input(pixels))));
  }
  thread_.join();
  EXPECT_EQ(server_->sessions_served(), 1u);
  EXPECT_EQ(server_->sessions_failed(), 2u);
}

TEST(TlsContext, NamesTheFileThatCannotBeLoaded) {
  try {
    crypto::TlsContext::server({"/nonexistent/server.pem", "/nonexistent/server.key", ""});
    FAIL() << "a missing certificate was accepted";
  } catch (const crypto::TlsError& error) {
    EXPECT_NE(std::string(error.what()).find("/nonexistent/server.pem"), std::string::npos)
        << error.what();
  }
  EXPECT_THROW(crypto::TlsContext::client({}), crypto::TlsError);
}

}  // namespace
}  // namespace pinas::pi
