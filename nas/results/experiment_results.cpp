#include "nas/results/experiment_results.h"

#include "nas/results/front_plot.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "nas/config/experiment_config.h"
#include "nas/store/trial_store.h"
#include "nas/strategies/pareto.h"

namespace pinas::nas {
namespace {

std::string with_commas(std::int64_t value) {
  std::string digits = std::to_string(value);
  std::string out;
  int count = 0;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (count && count % 3 == 0 && *it != '-') out.insert(out.begin(), ',');
    out.insert(out.begin(), *it);
    ++count;
  }
  return out;
}


}  // namespace

std::filesystem::path store_path(const std::filesystem::path& folder) {
  return folder / "trials.db";
}

ExperimentResults load_results(const std::filesystem::path& folder) {
  auto store = TrialStore::open(store_path(folder), /*read_only=*/true);
  ExperimentResults results;
  results.folder = folder;
  auto text = store.get_meta("config");
  if (!text)
    throw StoreError(
        fmt::format("trial store {} holds no experiment config", store.path().string()));
  results.config = parse_experiment_config(*text, store.path().string() + " (stored config)");
  results.trials = store.trials();
  return results;
}

std::vector<TrialRecord> ranked_trials(const ExperimentResults& results) {
  std::vector<TrialRecord> ranked;
  for (const TrialRecord& trial : results.trials)
    if (trial.status == TrialStatus::kComplete && trial.val_accuracy) ranked.push_back(trial);
  std::stable_sort(ranked.begin(), ranked.end(), [](const TrialRecord& a, const TrialRecord& b) {
    return *a.val_accuracy > *b.val_accuracy;
  });
  return ranked;
}

std::vector<TrialRecord> pareto_trials(const ExperimentResults& results) {
  std::vector<TrialRecord> scored;
  for (const TrialRecord& trial : results.trials)
    if (trial.status == TrialStatus::kComplete && trial.val_accuracy) scored.push_back(trial);
  std::vector<ParetoPoint> points;
  for (const TrialRecord& trial : scored) points.push_back({*trial.val_accuracy, trial.cost});
  std::vector<TrialRecord> front;
  for (std::size_t index : pareto_front(points)) front.push_back(scored[index]);
  return front;
}

nlohmann::json trial_json(const TrialRecord& trial, pb::CostMetric metric) {
  nlohmann::json value = {
      {"trial", trial.number},
      {"genotype", trial.genotype},
      {"relus", trial.relus},
      {"macs", trial.macs},
      {"params", trial.params},
      {"cost", trial.cost},
      {"status", status_name(trial.status)},
      {"epochs", trial.epochs},
      {"val_accuracy", trial.val_accuracy ? nlohmann::json(*trial.val_accuracy) : nlohmann::json()},
      {"test_accuracy",
       trial.test_accuracy ? nlohmann::json(*trial.test_accuracy) : nlohmann::json()},
      {"train_seconds", trial.train_seconds},
      {"model_path", trial.model_path}};
  if (metric == pb::PI_LATENCY) value["latency_s"] = trial.cost;
  return value;
}

std::string trial_table(const std::vector<TrialRecord>& trials, pb::CostMetric metric) {
  const bool latency = metric == pb::PI_LATENCY;
  std::string table = fmt::format("{:>6}  {:>12}  {}{:>14}  {:>8}  {:>8}  {}\n", "trial", "ReLUs",
                                  latency ? fmt::format("{:>10}  ", "latency s") : "", "MACs",
                                  "val acc", "test acc", "genotype");
  for (const TrialRecord& trial : trials) {
    std::string test = trial.test_accuracy ? fmt::format("{:.4f}", *trial.test_accuracy) : "-";
    std::string val = trial.val_accuracy ? fmt::format("{:.4f}", *trial.val_accuracy) : "-";
    table +=
        fmt::format("{:>6}  {:>12}  {}{:>14}  {:>8}  {:>8}  {}\n", trial.number,
                    with_commas(trial.relus), latency ? fmt::format("{:>10.6f}  ", trial.cost) : "",
                    with_commas(trial.macs), val, test, trial.genotype);
  }
  return table;
}

std::string pareto_svg(const ExperimentResults& results) {
  std::vector<TrialRecord> scored;
  for (const TrialRecord& trial : results.trials)
    if (trial.status == TrialStatus::kComplete && trial.val_accuracy) scored.push_back(trial);
  const auto front = pareto_trials(results);
  std::set<std::int64_t> on_front;
  for (const TrialRecord& trial : front) on_front.insert(trial.number);
  // The x axis: ReLUs (at least 1) or predicted seconds (at least a nanosecond), log scale.
  const bool latency = results.config.objective().cost() == pb::PI_LATENCY;
  auto point = [&](const TrialRecord& trial) {
    PlotPoint p;
    p.x = latency ? std::max(1e-9, trial.cost) : static_cast<double>(std::max<std::int64_t>(1, trial.relus));
    p.y = *trial.val_accuracy;
    p.title = latency ? fmt::format("trial {}: {:.6f} s, {:.4f}, {}", trial.number, trial.cost, *trial.val_accuracy,
                                    trial.genotype)
                      : fmt::format("trial {}: {} ReLUs, {:.4f}, {}", trial.number, trial.relus, *trial.val_accuracy,
                                    trial.genotype);
    return p;
  };
  PlotSeries dominated{"dominated", "#aaaaaa", false, 3.0, {}};
  PlotSeries pareto{"Pareto front", "#d62728", true, 4.5, {}};
  for (const TrialRecord& trial : scored) {
    if (!on_front.count(trial.number)) dominated.points.push_back(point(trial));
  }
  for (const TrialRecord& trial : front) pareto.points.push_back(point(trial));
  PlotAxes axes;
  axes.title = fmt::format("{}: validation accuracy vs {} ({} trials, {} on the front)", results.config.name(),
                           latency ? "predicted latency" : "ReLUs", scored.size(), front.size());
  axes.x_title = latency ? "predicted online latency, s (log scale)" : "ReLUs (log scale)";
  axes.y_title = "validation accuracy";
  axes.x_seconds = latency;
  return render_front_svg(axes, {dominated, pareto});
}

}  // namespace pinas::nas
