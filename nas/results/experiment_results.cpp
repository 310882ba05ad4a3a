#include "nas/results/experiment_results.h"

#include "nas/results/front_plot.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
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

namespace {

// DIR/reductions/trial-N/front.json, as `pinas reduce` writes it.
std::vector<ReducedResult> load_reduced(const std::filesystem::path& folder) {
  std::vector<ReducedResult> reduced;
  std::error_code error;
  const auto root = folder / "reductions";
  if (!std::filesystem::is_directory(root, error)) return reduced;
  std::vector<std::filesystem::path> fronts;
  for (const auto& entry : std::filesystem::directory_iterator(root, error)) {
    if (std::filesystem::exists(entry.path() / "front.json")) fronts.push_back(entry.path() / "front.json");
  }
  std::sort(fronts.begin(), fronts.end());
  for (const auto& path : fronts) {
    const std::string name = path.parent_path().filename().string();  // trial-N
    try {
      const auto document = nlohmann::json::parse(std::ifstream(path));
      for (const auto& network : document.at("networks")) {
        ReducedResult result;
        result.trial = std::stoll(name.substr(name.find('-') + 1));
        result.method = document.at("method").get<std::string>();
        result.budget = network.at("budget").get<std::int64_t>();
        result.relus = network.at("relus").get<std::int64_t>();
        result.polynomial_elements = network.at("polynomial_elements").get<std::int64_t>();
        result.val_accuracy = network.at("val_accuracy").is_null() ? 0.0 : network.at("val_accuracy").get<double>();
        result.test_accuracy = network.at("test_accuracy").is_null() ? 0.0 : network.at("test_accuracy").get<double>();
        result.model_file = network.at("model_file").get<std::string>();
        reduced.push_back(std::move(result));
      }
    } catch (const std::exception& failure) {
      throw StoreError(fmt::format("{}: unreadable reduction front ({})", path.string(), failure.what()));
    }
  }
  return reduced;
}

}  // namespace

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
  results.reduced = load_reduced(folder);
  return results;
}

nlohmann::json reduced_json(const ReducedResult& reduced) {
  return {{"reduced", true},
          {"reduced_from", reduced.trial},
          {"method", reduced.method},
          {"budget", reduced.budget},
          {"relus", reduced.relus},
          {"polynomial_elements", reduced.polynomial_elements},
          {"val_accuracy", reduced.val_accuracy},
          {"test_accuracy", reduced.test_accuracy},
          {"model_file", reduced.model_file}};
}

std::string reduced_table(const std::vector<ReducedResult>& reduced) {
  std::string text = fmt::format("{:>6} {:<12} {:>10} {:>10} {:>11} {:>9} {:>9}  {}\n", "trial", "reduced by",
                                 "budget", "ReLUs", "polynomial", "val acc", "test acc", "model");
  for (const auto& network : reduced) {
    text += fmt::format("{:>6} {:<12} {:>10} {:>10} {:>11} {:>9.4f} {:>9.4f}  {}\n", network.trial, network.method,
                        network.budget, network.relus, network.polynomial_elements, network.val_accuracy,
                        network.test_accuracy, network.model_file);
  }
  return text;
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
  std::vector<PlotSeries> series = {dominated, pareto};
  if (!latency && !results.reduced.empty()) {
    PlotSeries reduced{"reduced (" + results.reduced.front().method + ")", "#1f77b4", false, 4.0, {}};
    for (const auto& network : results.reduced) {
      reduced.points.push_back({static_cast<double>(std::max<std::int64_t>(1, network.relus)), network.val_accuracy,
                                fmt::format("trial {} reduced by {} to {} ReLUs, {:.4f}", network.trial,
                                            network.method, network.relus, network.val_accuracy)});
    }
    series.push_back(std::move(reduced));
  }
  return render_front_svg(axes, series);
}

}  // namespace pinas::nas
