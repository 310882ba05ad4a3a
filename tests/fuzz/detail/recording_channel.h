#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "crypto/net/detail/local_pipe.h"
#include "crypto/net/local_channel.h"

namespace pinas::fuzz {

// An in-process channel end that keeps every byte it reads: the transcript
// of what its peer sent, framing included (what a harness's input is).
// Used only by the seed writers.
class RecordingChannel : public crypto::LocalChannel {
 public:
  using LocalChannel::LocalChannel;
  std::vector<std::uint8_t> received;

 protected:
  std::size_t read_raw(std::uint8_t* data, std::size_t count) override {
    const std::size_t read = LocalChannel::read_raw(data, count);
    received.insert(received.end(), data, data + read);
    return read;
  }
};

// A connected pair of recording ends: first, second.
inline std::pair<std::unique_ptr<RecordingChannel>, std::unique_ptr<RecordingChannel>>
recording_pair(std::chrono::milliseconds timeout) {
  auto first_to_second = std::make_shared<crypto::detail::LocalPipe>();
  auto second_to_first = std::make_shared<crypto::detail::LocalPipe>();
  return {std::make_unique<RecordingChannel>(first_to_second, second_to_first, timeout),
          std::make_unique<RecordingChannel>(second_to_first, first_to_second, timeout)};
}

}  // namespace pinas::fuzz
