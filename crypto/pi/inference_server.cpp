#include "crypto/pi/inference_server.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <list>
#include <mutex>
#include <thread>

#include "crypto/net/tcp_listener.h"
#include "crypto/net/tls_channel.h"
#include "crypto/pi/he_linear_preprocessing.h"
#include "crypto/pi/server_session.h"
#include "search_spaces/model_file.h"

namespace pinas::pi {

struct InferenceServer::Workers {
  std::mutex mutex;  // guards log calls and `threads`
  std::atomic<int> active{0};
  struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::list<Worker> threads;

  // Joins the finished workers. Call with `mutex` held.
  void reap_finished() {
    for (auto it = threads.begin(); it != threads.end();) {
      if (it->done->load()) {
        it->thread.join();
        it = threads.erase(it);
      } else {
        ++it;
      }
    }
  }
  // Joins every worker. Call without `mutex` held (workers log under it).
  void join_all() {
    std::list<Worker> all;
    {
      std::lock_guard<std::mutex> lock(mutex);
      all.swap(threads);
    }
    for (auto& worker : all) worker.thread.join();
  }
};

InferenceServer::InferenceServer(const pb::Model& model, const FixedPointConfig& config,
                                 ServerOptions options)
    : network_(FixedPointNetwork::compile(model, config)),
      description_(spaces::encode_model(FixedPointNetwork::public_description(model))),
      options_(std::move(options)),
      workers_(std::make_unique<Workers>()) {
  // Refuse a network the HE backend cannot run before listening, naming the layer.
  if (network_.config().linear_backend == LinearBackend::kHe) he_network_plan(network_);
  crypto::TcpOptions channel_options;
  channel_options.io_timeout = options_.io_timeout;
  listener_ =
      std::make_unique<crypto::TcpListener>(options_.port, options_.bind_address, channel_options);
}

InferenceServer::~InferenceServer() {
  stopping_ = true;
  workers_->join_all();
}

std::uint16_t InferenceServer::port() const {
  return listener_->port();
}

void InferenceServer::log(const std::string& line) {
  if (!options_.log) return;
  std::lock_guard<std::mutex> lock(workers_->mutex);
  options_.log(line);
}

namespace {

bool is_loopback(const std::string& address) {
  return address.rfind("127.", 0) == 0 || address == "::1" || address == "localhost";
}

}  // namespace

std::unique_ptr<crypto::Channel> InferenceServer::secure(
    std::unique_ptr<crypto::TcpChannel> connection) const {
  if (!options_.tls) return connection;
  // A TLS client opens with a handshake record (0x16). Anything else is most
  // likely a plain pinas client: tell it in its own protocol why it is
  // refused, so both sides get a clear message instead of a reset.
  constexpr std::uint8_t kTlsHandshakeRecord = 0x16;
  const auto first = connection->peek_first_byte();
  if (first && *first != kTlsHandshakeRecord) {
    const std::string peer = connection->peer();
    try {
      ServerSession::refuse(*connection,
                            "this server accepts TLS 1.3 connections only (pinas infer --tls-ca)");
    } catch (const std::exception&) {
      // Not a pinas client either; the error below says enough.
    }
    throw crypto::TlsError(
        fmt::format("TLS handshake with {} failed: the client does not speak TLS (first byte "
                    "{:#04x}, not a TLS "
                    "handshake record); refused",
                    peer, *first));
  }
  return crypto::TlsChannel::accept(std::move(connection), options_.tls);
}

void InferenceServer::report(const ServerEvent& event) {
  if (!options_.on_event) return;
  std::lock_guard<std::mutex> lock(workers_->mutex);
  options_.on_event(event);
}

void InferenceServer::serve() {
  std::uint64_t started = 0;
  const int limit = std::max(1, options_.workers);
  if (!options_.tls && !is_loopback(options_.bind_address)) {
    log(
        fmt::format("warning: plain TCP on {}, which is not a loopback address: clients are not "
                    "authenticated and the traffic is not encrypted; use TLS outside tests",
                    options_.bind_address));
  }
  auto run_session = [this](std::unique_ptr<crypto::TcpChannel> connection) {
    const std::string peer = connection->peer();
    try {
      std::unique_ptr<crypto::Channel> channel = secure(std::move(connection));
      ServerSession session(network_, description_, *channel);
      auto report = session.run();
      ++served_;
      log(fmt::format(
          "served {}: offline {:.2f} s, {} B sent, {} B received; online {:.3f} s, {} B sent, "
          "{} B received",
          peer, report.offline.seconds, report.offline.bytes_sent, report.offline.bytes_received,
          report.online.seconds, report.online.bytes_sent, report.online.bytes_received));
      this->report({ServerEvent::Kind::kServed, peer, "", report});
    } catch (const std::exception& error) {
      ++failed_;
      log(fmt::format("session with {} failed: {}", peer, error.what()));
      this->report({ServerEvent::Kind::kFailed, peer, error.what(), {}});
    }
  };
  // Back-off while the process is out of descriptors: the waiting client
  // keeps the socket readable, so retrying at once would spin a core.
  constexpr std::chrono::milliseconds kFirstBackoff{10}, kLongestBackoff{1000};
  std::chrono::milliseconds backoff{0};
  std::uint64_t failures_in_a_row = 0;
  auto reap = [&] {
    if (limit > 1) {
      std::lock_guard<std::mutex> lock(workers_->mutex);
      workers_->reap_finished();
    }
  };
  while (!stopping_ && (!options_.max_sessions || started < *options_.max_sessions)) {
    crypto::TcpListener::AcceptResult accepted;
    try {
      accepted = listener_->try_accept(std::chrono::milliseconds(200));
    } catch (const crypto::ChannelError& error) {
      log(fmt::format("stopped: {}", error.what()));
      workers_->join_all();
      throw;
    }
    if (accepted.status == crypto::TcpListener::AcceptResult::Status::kTimedOut) {
      reap();
      continue;  // check for stop, reap finished workers
    }
    if (accepted.status == crypto::TcpListener::AcceptResult::Status::kOutOfResources) {
      ++accept_failures_;
      ++failures_in_a_row;
      if (backoff.count() == 0) {
        log(fmt::format("cannot accept a client on {}:{}: {}; backing off and retrying",
                        options_.bind_address, port(), accepted.reason));
        backoff = kFirstBackoff;
      } else {
        backoff = std::min(backoff * 2, kLongestBackoff);
      }
      reap();  // finished sessions give their descriptors back
      std::this_thread::sleep_for(backoff);
      continue;
    }
    if (backoff.count() != 0) {
      log(fmt::format("accepting clients again after {} failed attempts", failures_in_a_row));
      backoff = std::chrono::milliseconds(0);
      failures_in_a_row = 0;
    }
    std::unique_ptr<crypto::TcpChannel> channel = std::move(accepted.channel);
    if (limit == 1) {
      ++started;
      run_session(std::move(channel));
      continue;
    }
    std::lock_guard<std::mutex> lock(workers_->mutex);
    workers_->reap_finished();
    auto done = std::make_shared<std::atomic<bool>>(false);
    if (workers_->active.load() >= limit) {
      ++refused_;
      if (options_.log)
        options_.log(fmt::format("refused {}: {} sessions running", channel->peer(), limit));
      if (options_.on_event)
        options_.on_event({ServerEvent::Kind::kRefused,
                           channel->peer(),
                           fmt::format("{} sessions running", limit),
                           {}});
      workers_->threads.push_back(
          {std::thread([this, connection = std::move(channel), done, limit]() mutable {
             try {
               // A refused client still gets TLS first: the refusal is a
               // message inside the protocol, which needs a channel.
               auto channel = secure(std::move(connection));
               ServerSession::refuse(*channel, fmt::format("server busy ({} sessions running, "
                                                           "the --workers limit); try again later",
                                                           limit));
             } catch (const std::exception&) {
             }
             *done = true;
           }),
           done});
      continue;
    }
    ++started;
    ++workers_->active;
    workers_->threads.push_back(
        {std::thread([this, run_session, channel = std::move(channel), done]() mutable {
           run_session(std::move(channel));
           --workers_->active;
           *done = true;
         }),
         done});
  }
  workers_->join_all();
}

}  // namespace pinas::pi
