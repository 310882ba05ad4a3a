#include "train/progress_reporter.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>

#include "proto/error.h"
#include "train/detail/metrics_json.h"

namespace pinas::train {

ProgressReporter::ProgressReporter(std::string name, int total_epochs, bool show,
                                   const std::filesystem::path& log_path)
    : name_(std::move(name)), total_epochs_(total_epochs), show_(show), terminal_(isatty(STDERR_FILENO) == 1) {
  if (!log_path.empty()) {
    if (log_path.has_parent_path()) std::filesystem::create_directories(log_path.parent_path());
    log_.open(log_path, std::ios::app);
    if (!log_) throw Error("training log " + log_path.string() + ": cannot open for writing");
  }
}

ProgressReporter::~ProgressReporter() { clear_bar(); }

void ProgressReporter::begin_epoch(int epoch, int64_t batches) {
  epoch_ = epoch;
  batches_ = batches;
}

void ProgressReporter::batch_done(int64_t done, double mean_loss) {
  if (!show_ || !terminal_) return;
  const auto now = std::chrono::steady_clock::now();
  if (done < batches_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  constexpr int kWidth = 30;
  const int filled = batches_ > 0 ? static_cast<int>(kWidth * done / batches_) : kWidth;
  const std::string bar = std::string(filled, '#') + std::string(kWidth - filled, '.');
  const std::string line = fmt::format("\r{} epoch {}/{} [{}] {}/{} loss {:.4f}", name_, epoch_, total_epochs_, bar,
                                       done, batches_, mean_loss);
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
  bar_visible_ = true;
}

void ProgressReporter::clear_bar() {
  if (!bar_visible_) return;
  std::fputs("\r\033[K", stderr);
  bar_visible_ = false;
}

void ProgressReporter::end_epoch(const EpochMetrics& metrics) {
  if (show_) {
    clear_bar();
    const std::string validation =
        std::isfinite(metrics.val_accuracy) ? fmt::format("{:.2f}%", 100.0 * metrics.val_accuracy) : "n/a";
    const std::string line = fmt::format(
        "{} epoch {}/{}: loss {:.4f} train {:.2f}% val {} lr {:.5f} {:.0f} images/s {:.1f}s\n", name_, metrics.epoch,
        total_epochs_, metrics.train_loss, 100.0 * metrics.train_accuracy, validation, metrics.learning_rate,
        metrics.images_per_s, metrics.seconds);
    std::fputs(line.c_str(), stderr);
  }
  if (log_.is_open()) {
    auto record = detail::metrics_to_json(metrics);
    record["name"] = name_;
    log_ << record.dump() << '\n';
    log_.flush();
  }
}

void ProgressReporter::message(const std::string& text) {
  if (!show_) return;
  clear_bar();
  std::fputs((name_ + ": " + text + "\n").c_str(), stderr);
}

}  // namespace pinas::train
