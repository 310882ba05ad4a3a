#include "crypto/net/channel.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace pinas::crypto {
namespace {

constexpr size_t kPrefixBytes = 4;
constexpr size_t kReadBufferBytes = size_t{256} << 10;

}  // namespace

Channel::Channel(std::string peer)
    : peer_(std::move(peer)),
      send_buffer_(kPrefixBytes + kSendBufferBytes),
      read_buffer_(kReadBufferBytes) {}

void Channel::send(const void* data, size_t count) {
  const auto* bytes = static_cast<const uint8_t*>(data);
  bytes_sent_ += count;
  while (count > 0) {
    size_t room = send_buffer_.size() - send_used_;
    size_t now = std::min(room, count);
    std::memcpy(send_buffer_.data() + send_used_, bytes, now);
    send_used_ += now;
    bytes += now;
    count -= now;
    if (send_used_ == send_buffer_.size()) write_frame();
  }
}

void Channel::flush() {
  if (send_used_ > kPrefixBytes) write_frame();
}

bool Channel::try_flush() noexcept {
  try {
    flush();
    return true;
  } catch (...) {
    send_used_ = kPrefixBytes;
    return false;
  }
}

void Channel::write_frame() {
  auto length = static_cast<uint32_t>(send_used_ - kPrefixBytes);
  for (size_t i = 0; i < kPrefixBytes; ++i) send_buffer_[i] = static_cast<uint8_t>(length >> (8 * i));
  size_t used = send_used_;
  send_used_ = kPrefixBytes;  // drop the frame even if writing fails: the channel is dead then
  write_raw(send_buffer_.data(), used);
  ++frames_sent_;
}

void Channel::receive(void* data, size_t count) {
  flush();
  auto* bytes = static_cast<uint8_t*>(data);
  while (count > 0) {
    if (frame_remaining_ == 0) {
      uint8_t prefix[kPrefixBytes];
      read_exact(prefix, kPrefixBytes, nullptr);
      uint32_t length = 0;
      for (size_t i = 0; i < kPrefixBytes; ++i) length |= static_cast<uint32_t>(prefix[i]) << (8 * i);
      if (length > kMaxFrameBytes) {
        throw ChannelError("channel to " + peer_ + ": frame length prefix " +
                           std::to_string(length) + " exceeds the cap of " +
                           std::to_string(kMaxFrameBytes) + " bytes (64 MiB)");
      }
      if (length == 0) {
        // flush() never writes an empty frame, so one means a confused or
        // hostile peer (and accepting them would let it keep us reading).
        throw ChannelError("channel to " + peer_ + ": empty frame (length prefix 0)");
      }
      frame_length_ = length;
      frame_remaining_ = length;
      continue;
    }
    size_t now = std::min(count, frame_remaining_);
    read_exact(bytes, now, "frame");
    frame_remaining_ -= now;
    bytes_received_ += now;
    bytes += now;
    count -= now;
  }
}

void Channel::read_exact(uint8_t* data, size_t count, const char* what) {
  size_t done = 0;
  while (done < count) {
    if (read_begin_ < read_end_) {
      size_t now = std::min(count - done, read_end_ - read_begin_);
      std::memcpy(data + done, read_buffer_.data() + read_begin_, now);
      read_begin_ += now;
      done += now;
      continue;
    }
    // Large reads bypass the buffer; small ones refill it.
    size_t got = 0;
    if (count - done >= read_buffer_.size()) {
      got = read_raw(data + done, count - done);
      if (got > 0) {
        done += got;
        continue;
      }
    } else {
      read_begin_ = 0;
      read_end_ = 0;
      got = read_raw(read_buffer_.data(), read_buffer_.size());
      read_end_ = got;
      if (got > 0) continue;
    }
    // End of stream.
    if (what == nullptr) {
      if (done == 0) {
        throw ChannelError("channel to " + peer_ + ": peer closed the connection");
      }
      throw ChannelError("channel to " + peer_ + ": truncated frame header (" +
                         std::to_string(done) + " of 4 bytes) before the peer disconnected");
    }
    size_t received = frame_length_ - frame_remaining_ + done;
    throw ChannelError("channel to " + peer_ + ": truncated " + what + ": peer disconnected after " +
                       std::to_string(received) + " of " + std::to_string(frame_length_) +
                       " payload bytes");
  }
}

void Channel::send_string(const std::string& text) {
  send_uint64(text.size());
  send(text.data(), text.size());
}

std::string Channel::receive_string(size_t max_length) {
  uint64_t length = receive_uint64();
  if (length > max_length) {
    throw ChannelError("channel to " + peer_ + ": string length " + std::to_string(length) +
                       " exceeds the limit of " + std::to_string(max_length) + " bytes");
  }
  std::string text(length, '\0');
  receive(text.data(), length);
  return text;
}

}  // namespace pinas::crypto
