#pragma once

#include <string>

namespace pinas::crypto::detail {

// Drains OpenSSL's thread-local error queue into one line ("a; b"), or
// returns `fallback` when it is empty. Thread-safe (the queue is per
// thread).
std::string take_openssl_errors(const std::string& fallback = "unknown TLS error");

}  // namespace pinas::crypto::detail
