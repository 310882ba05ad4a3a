#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "crypto/primitives/block.h"
#include "crypto/primitives/crypto_error.h"

namespace pinas::crypto {

// A reliable, ordered, two-party byte channel with length-prefixed framing.
//
// Wire format: a sequence of frames, each a 4-byte little-endian payload
// length followed by that many payload bytes. The framing is invisible to
// callers: send() appends to a buffer, which leaves as one frame on flush()
// or when it reaches kSendBufferBytes; receive() reads across frame
// boundaries. A received length prefix above kMaxFrameBytes (64 MiB) is
// refused with ChannelError before anything is allocated, so a hostile or
// confused peer cannot make us allocate or wait for an absurd amount; a
// disconnect before a frame is complete is reported as a truncated frame; an
// empty frame (never written by flush()) is refused as malformed.
//
// receive() flushes pending sends first, so a protocol that alternates
// send/receive cannot deadlock on unflushed data. Every error is a
// ChannelError naming the peer (peer()).
//
// Not thread-safe: one thread sends and receives on a Channel at a time (the
// two parties of a test each own one end).
class Channel {
 public:
  static constexpr size_t kMaxFrameBytes = size_t{64} << 20;
  static constexpr size_t kSendBufferBytes = size_t{1} << 20;

  virtual ~Channel() = default;
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  // Queues `count` bytes. May write frames to the transport when the buffer
  // fills. Throws ChannelError.
  void send(const void* data, size_t count);
  // Reads exactly `count` bytes, flushing pending sends first. Throws
  // ChannelError on disconnect, timeout, truncated or oversized frame.
  void receive(void* data, size_t count);
  // Writes any buffered bytes as one frame. Throws ChannelError.
  void flush();

  // Typed helpers (raw little-endian host layout; both parties are x86-64).
  void send_blocks(std::span<const Block> blocks) { send(blocks.data(), blocks.size_bytes()); }
  void receive_blocks(std::span<Block> blocks) { receive(blocks.data(), blocks.size_bytes()); }
  void send_block(const Block& block) { send(&block, sizeof(Block)); }
  Block receive_block() {
    Block block;
    receive(&block, sizeof(Block));
    return block;
  }
  void send_uint64s(std::span<const uint64_t> values) { send(values.data(), values.size_bytes()); }
  void receive_uint64s(std::span<uint64_t> values) { receive(values.data(), values.size_bytes()); }
  void send_uint64(uint64_t value) { send(&value, sizeof(value)); }
  uint64_t receive_uint64() {
    uint64_t value = 0;
    receive(&value, sizeof(value));
    return value;
  }
  // A string as a uint64 length and its bytes. receive_string refuses lengths
  // above `max_length` with ChannelError.
  void send_string(const std::string& text);
  std::string receive_string(size_t max_length = 4096);

  // Payload bytes (not counting length prefixes) sent / received so far.
  uint64_t bytes_sent() const { return bytes_sent_; }
  uint64_t bytes_received() const { return bytes_received_; }
  // Number of frames written so far. Since receive() flushes, this counts
  // message flights, i.e. communication rounds in each direction.
  uint64_t frames_sent() const { return frames_sent_; }
  // The peer's description ("127.0.0.1:5000", "in-process peer").
  const std::string& peer() const { return peer_; }

 protected:
  explicit Channel(std::string peer);

  // Writes all `count` bytes to the transport, or throws ChannelError.
  virtual void write_raw(const uint8_t* data, size_t count) = 0;
  // Reads between 1 and `count` bytes and returns how many; returns 0 at an
  // orderly end of stream. Throws ChannelError on timeout or error.
  virtual size_t read_raw(uint8_t* data, size_t count) = 0;

  // Flushes pending bytes without throwing (for destructors of subclasses,
  // while the transport still exists). Returns false on failure.
  bool try_flush() noexcept;

 private:
  // Fills `data` with exactly `count` bytes from the buffered transport;
  // `what` names the part being read for errors (nullptr: a frame header).
  void read_exact(uint8_t* data, size_t count, const char* what);
  void write_frame();

  std::string peer_;
  std::vector<uint8_t> send_buffer_;  // 4 bytes of room for the prefix, then payload
  size_t send_used_ = 4;               // prefix room plus payload bytes queued
  std::vector<uint8_t> read_buffer_;
  size_t read_begin_ = 0;
  size_t read_end_ = 0;
  size_t frame_remaining_ = 0;  // payload bytes of the current incoming frame not yet read
  size_t frame_length_ = 0;
  uint64_t bytes_sent_ = 0;
  uint64_t bytes_received_ = 0;
  uint64_t frames_sent_ = 0;
};

}  // namespace pinas::crypto
