#include "nas/cli/endpoint.h"

#include "proto/error.h"

namespace pinas::cli {

std::uint16_t parse_port(const std::string& text, const std::string& option, PortZero zero) {
  const unsigned lowest = zero == PortZero::kAllowed ? 0 : 1;
  const std::string range =
      zero == PortZero::kAllowed ? "0..65535; 0 picks a free port" : "1..65535";
  // Digits only, at most five of them: no sign, no spaces, nothing after, so
  // "-1", "+80", "80x" and "70000" are refused rather than read modulo 2^16.
  bool valid = !text.empty() && text.size() <= 5 &&
               text.find_first_not_of("0123456789") == std::string::npos;
  unsigned value = 0;
  if (valid) {
    for (char digit : text) value = value * 10 + static_cast<unsigned>(digit - '0');
    valid = value >= lowest && value <= 65535;
  }
  if (!valid)
    throw Error(option + ": '" + text + "' is not a TCP port (an integer in " + range + ")");
  return static_cast<std::uint16_t>(value);
}

Endpoint parse_endpoint(const std::string& text, const std::string& option) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos)
    throw Error(option + ": '" + text + "' is not HOST:PORT (no port)");
  Endpoint endpoint;
  endpoint.host = text.substr(0, colon);
  if (endpoint.host.size() >= 2 && endpoint.host.front() == '[' && endpoint.host.back() == ']') {
    endpoint.host = endpoint.host.substr(1, endpoint.host.size() - 2);
  }
  if (endpoint.host.empty()) throw Error(option + ": '" + text + "' is not HOST:PORT (no host)");
  endpoint.port = parse_port(text.substr(colon + 1), option + " " + text);
  return endpoint;
}

}  // namespace pinas::cli
