#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "crypto/pi/session_report.h"

namespace pinas::cli {

// Helpers shared by the private-inference commands' reports. Thread-safe.

// {"bytes_sent", "bytes_received", "seconds", "flights"} of one phase.
nlohmann::json phase_json(const pi::PhaseCost& phase);

// The indices of the k largest logits, largest first (ties: lower index first).
std::vector<std::size_t> top_k(const std::vector<double>& logits, std::size_t k);

// The class's name when the model names its classes, else its index.
std::string class_name(const std::vector<std::string>& names, std::size_t index);

// Bytes as decimal megabytes.
inline double megabytes(std::uint64_t bytes) {
  return static_cast<double>(bytes) / 1e6;
}

}  // namespace pinas::cli
