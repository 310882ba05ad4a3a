#include "nas/results/search_progress.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>

namespace pinas::nas {
namespace {

constexpr int kBarWidth = 24;

std::string clock_text(double seconds) {
  const auto total = static_cast<long long>(std::max(0.0, seconds) + 0.5);
  if (total >= 3600)
    return fmt::format("{}:{:02}:{:02}", total / 3600, total / 60 % 60, total % 60);
  return fmt::format("{}:{:02}", total / 60, total % 60);
}

}  // namespace

SearchProgress::SearchProgress(const pb::ExperimentConfig& config, std::ostream& out, bool bar)
    : out_(out),
      bar_(bar),
      max_trials_(std::max(1, config.max_trials())),
      metric_(config.objective().cost()),
      start_(std::chrono::steady_clock::now()) {}

void SearchProgress::record(const TrialRecord& trial) {
  if (!was_trained(trial.status)) return;  // screened candidates are not trials of the budget
  started_.insert(trial.number);
  if (is_final(trial.status)) done_.insert(trial.number);
  if (trial.status == TrialStatus::kComplete && trial.val_accuracy &&
      (!best_ || *trial.val_accuracy > *best_->val_accuracy))
    best_ = trial;
}

void SearchProgress::update(const TrialRecord& trial) {
  if (!was_trained(trial.status)) return;
  record(trial);
  if (bar_) {
    draw();
    return;
  }
  const int done = static_cast<int>(done_.size());
  const int step = std::max(1, max_trials_ / 10);
  if (done >= last_reported_ + step) {
    last_reported_ = done;
    out_ << "progress: " << status_text() << "\n";
    out_.flush();
  }
}

std::string SearchProgress::status_text() const {
  const int done = static_cast<int>(done_.size());
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::string best = "best -";
  if (best_) {
    best = fmt::format("best {:.2f}% (trial {}, {})", 100 * *best_->val_accuracy, best_->number,
                       metric_ == pb::PI_LATENCY ? fmt::format("{:.6f} s", best_->cost)
                                                 : fmt::format("{} ReLUs", best_->relus));
  }
  // Successive halving leaves most trials at a lower rung until the end, so
  // the share of trials started is the better clock: the search ends soon
  // after the last one starts.
  const int started = std::min(static_cast<int>(started_.size()), max_trials_);
  std::string eta = "ETA -";
  if (done >= max_trials_)
    eta = "ETA 0:00";
  else if (started > 0)
    eta = "ETA " + clock_text(elapsed / started * static_cast<double>(max_trials_ - started));
  return fmt::format("{}/{} trials · {} · {} elapsed · {}", std::min(done, max_trials_),
                     max_trials_, best, clock_text(elapsed), eta);
}

void SearchProgress::draw() {
  const int done = std::min(static_cast<int>(done_.size()), max_trials_);
  const int filled = done * kBarWidth / max_trials_;
  // \r and erase-line redraw in place; the bar stays one terminal line.
  out_ << "\r\033[K[" << std::string(static_cast<std::size_t>(filled), '#')
       << std::string(static_cast<std::size_t>(kBarWidth - filled), '.') << "] " << status_text();
  out_.flush();
  drawn_ = true;
}

void SearchProgress::clear() {
  if (!bar_ || !drawn_) return;
  out_ << "\r\033[K";
  out_.flush();
  drawn_ = false;
}

void SearchProgress::finish(const std::vector<TrialRecord>& trials) {
  for (const TrialRecord& trial : trials)
    if (was_trained(trial.status)) done_.insert(trial.number);
  clear();
  out_ << (bar_ ? "" : "progress: ") << status_text() << "\n";
  out_.flush();
}

}  // namespace pinas::nas
