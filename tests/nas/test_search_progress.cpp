// SearchProgress: the bar on a terminal, plain lines in a log.
#include <gtest/gtest.h>

#include <sstream>

#include "nas/results/search_progress.h"

namespace pinas::nas {
namespace {

pb::ExperimentConfig config_with(int max_trials) {
  pb::ExperimentConfig config;
  config.set_max_trials(max_trials);
  return config;
}

TrialRecord trial(std::int64_t number, TrialStatus status, std::optional<double> accuracy,
                  std::int64_t relus = 1000) {
  TrialRecord record;
  record.number = number;
  record.status = status;
  record.val_accuracy = accuracy;
  record.relus = relus;
  return record;
}

TEST(SearchProgress, LogLinesAtEveryTenthWithTheBestWithinBudget) {
  std::ostringstream log;
  SearchProgress progress(config_with(20), log, /*bar=*/false);
  progress.update(trial(0, TrialStatus::kOverBudget, std::nullopt));  // screened: not counted
  progress.update(trial(1, TrialStatus::kComplete, 0.5, 4000));
  EXPECT_EQ(log.str(), "");  // 1 of 20: below the first tenth
  progress.update(trial(2, TrialStatus::kComplete, 0.75, 3000));
  EXPECT_EQ(
      log.str().rfind(
          "progress: 2/20 trials · best 75.00% (trial 2, 3000 ReLUs) · 0:00 elapsed · ETA ", 0),
      0u)
      << log.str();
  progress.update(trial(3, TrialStatus::kPaused, 0.9));  // not final, not complete: not the best
  progress.finish({trial(1, TrialStatus::kComplete, 0.5), trial(2, TrialStatus::kComplete, 0.75),
                   trial(3, TrialStatus::kStopped, 0.9)});
  EXPECT_NE(log.str().find("progress: 3/20 trials · best 75.00% (trial 2, 3000 ReLUs)"),
            std::string::npos)
      << log.str();
}

TEST(SearchProgress, BarRedrawsInPlaceAndClearsBeforeOtherLines) {
  std::ostringstream terminal;
  SearchProgress progress(config_with(4), terminal, /*bar=*/true);
  progress.update(trial(0, TrialStatus::kComplete, 0.6));
  EXPECT_EQ(terminal.str().rfind("\r\033[K[######..................] 1/4 trials · best 60.00%", 0),
            0u)
      << terminal.str();
  progress.clear();
  EXPECT_EQ(terminal.str().substr(terminal.str().size() - 4), "\r\033[K");
  EXPECT_EQ(terminal.str().find('\n'), std::string::npos);  // one line, redrawn
}

}  // namespace
}  // namespace pinas::nas
