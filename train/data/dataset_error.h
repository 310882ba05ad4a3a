#pragma once

#include <string>

#include "proto/error.h"

namespace pinas::train::data {

// Thrown for every dataset problem: a missing, truncated or corrupt file (bad
// magic, wrong size, truncated gzip, undecodable JPEG/PNG), an inconsistent
// folder, or a malformed data spec. The message always names the file or the
// spec at fault, so the CLI can print it as one line.
class DatasetError : public pinas::Error {
 public:
  explicit DatasetError(const std::string& message) : pinas::Error(message) {}
};

}  // namespace pinas::train::data
