#include "crypto/net/local_channel.h"

#include <algorithm>
#include <cstring>

#include "crypto/net/detail/local_pipe.h"

namespace pinas::crypto {

std::pair<std::unique_ptr<LocalChannel>, std::unique_ptr<LocalChannel>> LocalChannel::create_pair(
    std::chrono::milliseconds timeout) {
  auto first_to_second = std::make_shared<detail::LocalPipe>();
  auto second_to_first = std::make_shared<detail::LocalPipe>();
  return {std::make_unique<LocalChannel>(first_to_second, second_to_first, timeout),
          std::make_unique<LocalChannel>(second_to_first, first_to_second, timeout)};
}

LocalChannel::LocalChannel(std::shared_ptr<detail::LocalPipe> outgoing,
                           std::shared_ptr<detail::LocalPipe> incoming,
                           std::chrono::milliseconds timeout)
    : Channel("in-process peer"),
      outgoing_(std::move(outgoing)),
      incoming_(std::move(incoming)),
      timeout_(timeout) {}

LocalChannel::~LocalChannel() { close(); }

void LocalChannel::close() {
  if (closed_) return;
  try_flush();
  closed_ = true;
  {
    std::lock_guard lock(outgoing_->mutex);
    outgoing_->writer_closed = true;
  }
  outgoing_->ready.notify_all();
}

void LocalChannel::send_unframed(const void* data, size_t count) {
  write_raw(static_cast<const uint8_t*>(data), count);
}

void LocalChannel::write_raw(const uint8_t* data, size_t count) {
  if (closed_) throw ChannelError("channel to " + peer() + ": write after close");
  {
    std::lock_guard lock(outgoing_->mutex);
    auto& bytes = outgoing_->bytes;
    // Drop the consumed prefix before growing, so the queue stays small.
    if (outgoing_->read_offset > 0 && outgoing_->read_offset == bytes.size()) {
      bytes.clear();
      outgoing_->read_offset = 0;
    }
    bytes.insert(bytes.end(), data, data + count);
  }
  outgoing_->ready.notify_all();
}

size_t LocalChannel::read_raw(uint8_t* data, size_t count) {
  if (closed_) throw ChannelError("channel to " + peer() + ": read after close");
  std::unique_lock lock(incoming_->mutex);
  bool ready = incoming_->ready.wait_for(lock, timeout_, [this] {
    return incoming_->read_offset < incoming_->bytes.size() || incoming_->writer_closed;
  });
  if (!ready) {
    throw ChannelError("channel to " + peer() + ": timed out after " +
                       std::to_string(timeout_.count()) + " ms waiting for data from the peer");
  }
  size_t available = incoming_->bytes.size() - incoming_->read_offset;
  if (available == 0) return 0;  // writer closed: end of stream
  size_t now = std::min(available, count);
  std::memcpy(data, incoming_->bytes.data() + incoming_->read_offset, now);
  incoming_->read_offset += now;
  if (incoming_->read_offset == incoming_->bytes.size()) {
    incoming_->bytes.clear();
    incoming_->read_offset = 0;
  }
  return now;
}

}  // namespace pinas::crypto
