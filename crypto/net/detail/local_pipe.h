#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <vector>

namespace pinas::crypto::detail {

// One direction of an in-process channel pair: an unbounded byte queue with
// a "writer closed" flag. Guarded by `mutex`; readers wait on `ready`.
struct LocalPipe {
  std::mutex mutex;
  std::condition_variable ready;
  std::vector<uint8_t> bytes;
  size_t read_offset = 0;
  bool writer_closed = false;
};

}  // namespace pinas::crypto::detail
