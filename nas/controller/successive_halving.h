#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace pinas::nas {

// Asynchronous successive halving (Li et al., ASHA) over epochs. Rungs are
// at min_epochs * eta^k, capped by (and always ending at) max_epochs. A trial
// that finishes rung k waits there ("paused") until it ranks in the top
// 1/eta of everything that reached rung k; then it may be promoted to train
// on to rung k+1. Decisions depend only on the recorded results, so a
// resumed search rebuilds the same scheduler from its store. Not thread-safe.
class SuccessiveHalving {
 public:
  SuccessiveHalving(int min_epochs, int max_epochs, int reduction_factor);

  // Epochs at the end of each rung, ascending; the last is max_epochs.
  const std::vector<int>& rung_epochs() const { return rung_epochs_; }
  int last_rung() const { return static_cast<int>(rung_epochs_.size()) - 1; }

  // Trial `trial` reached rung `rung` with validation accuracy `accuracy`.
  // If `paused`, it waits there for promotion.
  void record(std::int64_t trial, int rung, double accuracy, bool paused);
  // The trial no longer waits (promoted, or stopped for good).
  void unpause(std::int64_t trial);

  // The best paused trial that now ranks in the top 1/eta of its rung,
  // looking at the highest rungs first; nullopt if none may be promoted.
  std::optional<std::int64_t> next_promotion() const;

  // Trials still paused, ascending.
  std::vector<std::int64_t> paused_trials() const;

 private:
  struct Entry {
    double accuracy;
    std::int64_t trial;
  };
  int reduction_factor_;
  std::vector<int> rung_epochs_;
  std::vector<std::vector<Entry>> rungs_;    // everything that reached each rung
  std::map<std::int64_t, int> paused_;       // trial -> rung it waits at
};

}  // namespace pinas::nas
