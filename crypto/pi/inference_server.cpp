#include "crypto/pi/inference_server.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <list>
#include <mutex>
#include <thread>

#include "crypto/net/tcp_listener.h"
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

void InferenceServer::serve() {
  std::uint64_t started = 0;
  const int limit = std::max(1, options_.workers);
  auto run_session = [this](std::unique_ptr<crypto::TcpChannel> channel) {
    const std::string peer = channel->peer();
    try {
      ServerSession session(network_, description_, *channel);
      auto report = session.run();
      ++served_;
      log(fmt::format(
          "served {}: offline {:.2f} s, {} B sent, {} B received; online {:.3f} s, {} B sent, "
          "{} B received",
          peer, report.offline.seconds, report.offline.bytes_sent, report.offline.bytes_received,
          report.online.seconds, report.online.bytes_sent, report.online.bytes_received));
    } catch (const std::exception& error) {
      ++failed_;
      log(fmt::format("session with {} failed: {}", peer, error.what()));
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
      workers_->threads.push_back(
          {std::thread([channel = std::move(channel), done, limit]() mutable {
             try {
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
