#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "train/training_job.h"

namespace pinas::train {

// Shows a training's progress on stderr and appends one JSON line per epoch to
// a log file. On a terminal: a bar redrawn in place (at most 10 times a
// second) with the running loss; otherwise one plain line per epoch, so logs
// and CI output stay readable. Either part may be off.
// Thread-safety: one reporter per training; distinct reporters may write
// concurrently (each line is written with one call).
class ProgressReporter {
 public:
  // `show` turns the stderr output on; an empty `log_path` turns the JSONL log
  // off. Throws pinas::Error naming the log file if it cannot be opened.
  ProgressReporter(std::string name, int total_epochs, bool show, const std::filesystem::path& log_path);
  ~ProgressReporter();

  // Starts epoch `epoch` (1-based) of `batches` batches.
  void begin_epoch(int epoch, int64_t batches);
  // After each batch: the number done and the running mean loss.
  void batch_done(int64_t done, double mean_loss);
  // Ends the epoch: clears the bar, prints the epoch line and logs it.
  void end_epoch(const EpochMetrics& metrics);
  // A final line (e.g. the test accuracy or why training stopped).
  void message(const std::string& text);

 private:
  void clear_bar();

  std::string name_;
  int total_epochs_;
  bool show_;
  bool terminal_;
  bool bar_visible_ = false;
  int epoch_ = 0;
  int64_t batches_ = 0;
  std::chrono::steady_clock::time_point last_draw_{};
  std::ofstream log_;
};

}  // namespace pinas::train
