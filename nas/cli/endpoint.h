#pragma once

#include <cstdint>
#include <string>

namespace pinas::cli {

// A host and a TCP port, as given on the command line (HOST:PORT).
struct Endpoint {
  std::string host;  // a name or an address; IPv6 without its [brackets]
  std::uint16_t port = 0;
};

// Whether port 0 ("pick a free port", for a listener) is accepted.
enum class PortZero { kRefused, kAllowed };

// The one parser of command-line ports: `text` must be a decimal integer in
// 1..65535 (0..65535 with PortZero::kAllowed), no sign, no spaces. Returns it.
// Throws pinas::Error naming `option` (e.g. "serve --port") and the text.
// Thread-safe.
std::uint16_t parse_port(const std::string& text, const std::string& option,
                         PortZero zero = PortZero::kRefused);

// HOST:PORT (IPv6 as [ADDRESS]:PORT) with a non-empty host and a port as
// parse_port checks it (never 0: one connects to it). Throws pinas::Error
// naming `option` and the text. Thread-safe.
Endpoint parse_endpoint(const std::string& text, const std::string& option);

}  // namespace pinas::cli
