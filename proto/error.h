#pragma once

#include <stdexcept>
#include <string>

namespace pinas {

// The one base class of every exception a pinas library throws. Messages name
// the file, field, node or peer at fault, so the CLI can print `what()` as a
// single line and exit with status 2. Each module derives its own kinds
// (for example crypto::ProtocolError) so callers can catch narrowly.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace pinas
