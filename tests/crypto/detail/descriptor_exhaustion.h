#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace pinas::test_support {

// Leaves the whole process without a free file descriptor while it lives:
// lowers RLIMIT_NOFILE's soft limit to a little above the descriptors in
// use, then opens /dev/null until open() fails with EMFILE. The destructor
// closes them and restores the limit. Construct it only on the test's main
// thread, with no other thread opening files. Throws std::runtime_error if
// the limit cannot be changed.
class DescriptorExhaustion {
 public:
  DescriptorExhaustion() {
    if (::getrlimit(RLIMIT_NOFILE, &saved_) != 0) throw std::runtime_error("getrlimit failed");
    const int probe = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (probe < 0) throw std::runtime_error("no descriptor to probe with");
    ::close(probe);
    rlimit lowered = saved_;
    // Descriptors are allocated lowest first; the probe shows where free ones start.
    lowered.rlim_cur = static_cast<rlim_t>(probe) + 64;
    if (lowered.rlim_cur > saved_.rlim_cur) lowered.rlim_cur = saved_.rlim_cur;
    if (::setrlimit(RLIMIT_NOFILE, &lowered) != 0) throw std::runtime_error("setrlimit failed");
    for (;;) {
      const int descriptor = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
      if (descriptor < 0) {
        exhausted_ = errno == EMFILE;
        break;
      }
      fillers_.push_back(descriptor);
    }
  }
  ~DescriptorExhaustion() {
    for (int descriptor : fillers_) ::close(descriptor);
    ::setrlimit(RLIMIT_NOFILE, &saved_);
  }
  DescriptorExhaustion(const DescriptorExhaustion&) = delete;
  DescriptorExhaustion& operator=(const DescriptorExhaustion&) = delete;

  // Whether the last open() failed with EMFILE (it should have).
  bool exhausted() const { return exhausted_; }

 private:
  rlimit saved_{};
  std::vector<int> fillers_;
  bool exhausted_ = false;
};

// A blocking IPv4 TCP socket, not yet connected: made before the process
// runs out of descriptors so that it can still connect afterwards.
inline int unconnected_socket() {
  return ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
}

// Connects `socket_fd` to 127.0.0.1:`port` (completes in the listen queue,
// whether or not the server can accept). Returns whether it connected.
inline bool connect_to_loopback(int socket_fd, std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  return ::connect(socket_fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
}

// Makes a connected socket non-blocking, as TcpChannel expects.
inline void make_non_blocking(int socket_fd) {
  ::fcntl(socket_fd, F_SETFL, ::fcntl(socket_fd, F_GETFL, 0) | O_NONBLOCK);
}

}  // namespace pinas::test_support
