#include "nas/cli/pi_reports.h"

#include <algorithm>
#include <numeric>

namespace pinas::cli {

nlohmann::json phase_json(const pi::PhaseCost& phase) {
  return {{"bytes_sent", phase.bytes_sent},
          {"bytes_received", phase.bytes_received},
          {"seconds", phase.seconds},
          {"flights", phase.flights}};
}

std::vector<std::size_t> top_k(const std::vector<double>& logits, std::size_t k) {
  std::vector<std::size_t> order(logits.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](auto a, auto b) { return logits[a] > logits[b]; });
  order.resize(std::min(k, order.size()));
  return order;
}

std::string class_name(const std::vector<std::string>& names, std::size_t index) {
  return index < names.size() ? names[index] : std::to_string(index);
}

}  // namespace pinas::cli
