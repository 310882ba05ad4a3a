#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "nas/store/trial_record.h"
#include "proto/experiment.pb.h"

namespace pinas::nas {

// The progress of a running search for a person watching it: trials done of
// the maximum, the best accuracy within budget, elapsed time and an ETA. On a
// terminal (`bar`) it is one bar redrawn in place on `out`; callers call
// clear() before printing a line of their own so the bar never splits it.
// Off a terminal it prints a plain line at every tenth of max_trials (and at
// the end), so logs stay readable. Not thread-safe (the controller's callback
// thread is its only caller).
class SearchProgress {
 public:
  // `config` gives max_trials and the cost metric.
  SearchProgress(const pb::ExperimentConfig& config, std::ostream& out, bool bar);

  // Counts a trial without drawing (a resumed search's earlier trials).
  void record(const TrialRecord& trial);
  // Records a trial update (a trial is done once no further work changes it)
  // and redraws the bar or, at every tenth of max_trials, prints a line.
  void update(const TrialRecord& trial);
  // Erases the bar (terminal only) so the next line starts clean.
  void clear();
  // Counts every trained trial in `trials` as done (the search is over:
  // trials left at a lower rung are final now), erases the bar and prints
  // the final line.
  void finish(const std::vector<TrialRecord>& trials);

  // "12/40 trials · best 81.23% (trial 7, 56,448 ReLUs) · 1:23 elapsed · ETA 2:10".
  std::string status_text() const;

 private:
  void draw();
  std::ostream& out_;
  bool bar_;
  int max_trials_;
  pb::CostMetric metric_;
  std::chrono::steady_clock::time_point start_;
  std::set<std::int64_t> started_;  // trained trials seen
  std::set<std::int64_t> done_;     // of those, final ones
  std::optional<TrialRecord> best_;
  int last_reported_ = 0;
  bool drawn_ = false;
};

}  // namespace pinas::nas
