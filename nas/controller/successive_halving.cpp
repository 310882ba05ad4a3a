#include "nas/controller/successive_halving.h"

#include <algorithm>

namespace pinas::nas {

SuccessiveHalving::SuccessiveHalving(int min_epochs, int max_epochs, int reduction_factor)
    : reduction_factor_(reduction_factor) {
  long long epochs = min_epochs;
  while (epochs < max_epochs) {
    rung_epochs_.push_back(static_cast<int>(epochs));
    epochs *= reduction_factor;
  }
  rung_epochs_.push_back(max_epochs);
  rungs_.resize(rung_epochs_.size());
}

void SuccessiveHalving::record(std::int64_t trial, int rung, double accuracy, bool paused) {
  auto& entries = rungs_.at(static_cast<std::size_t>(rung));
  // Sorted by accuracy descending, then trial ascending (deterministic ties).
  Entry entry{accuracy, trial};
  auto position = std::lower_bound(entries.begin(), entries.end(), entry, [](const Entry& a, const Entry& b) {
    return a.accuracy != b.accuracy ? a.accuracy > b.accuracy : a.trial < b.trial;
  });
  entries.insert(position, entry);
  if (paused) paused_[trial] = rung;
  else paused_.erase(trial);
}

void SuccessiveHalving::unpause(std::int64_t trial) { paused_.erase(trial); }

std::optional<std::int64_t> SuccessiveHalving::next_promotion() const {
  if (paused_.empty()) return std::nullopt;
  for (int rung = last_rung() - 1; rung >= 0; --rung) {
    const auto& entries = rungs_[static_cast<std::size_t>(rung)];
    std::size_t promotable = entries.size() / static_cast<std::size_t>(reduction_factor_);
    for (std::size_t k = 0; k < promotable; ++k) {
      auto found = paused_.find(entries[k].trial);
      if (found != paused_.end() && found->second == rung) return entries[k].trial;
    }
  }
  return std::nullopt;
}

std::vector<std::int64_t> SuccessiveHalving::paused_trials() const {
  std::vector<std::int64_t> trials;
  for (const auto& [trial, rung] : paused_) trials.push_back(trial);
  return trials;
}

}  // namespace pinas::nas
