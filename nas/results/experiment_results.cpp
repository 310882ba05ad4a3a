#include "nas/results/experiment_results.h"

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

std::string escape_xml(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else if (c == '"')
      out += "&quot;";
    else
      out += c;
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
  auto front = pareto_trials(results);
  std::set<std::int64_t> on_front;
  for (const TrialRecord& trial : front) on_front.insert(trial.number);

  // The x axis: ReLUs (at least 1) or predicted seconds (at least a nanosecond), log scale.
  const bool latency = results.config.objective().cost() == pb::PI_LATENCY;
  auto cost_of = [&](const TrialRecord& trial) {
    return latency ? std::max(1e-9, trial.cost)
                   : static_cast<double>(std::max<std::int64_t>(1, trial.relus));
  };
  auto describe = [&](const TrialRecord& trial) {
    return latency ? fmt::format("trial {} ({:.6f} s, {:.4f})", trial.number, trial.cost,
                                 *trial.val_accuracy)
                   : fmt::format("trial {} ({} ReLUs, {:.4f})", trial.number, trial.relus,
                                 *trial.val_accuracy);
  };
  const double width = 720, height = 480, left = 80, right = 30, top = 40, bottom = 60;
  double min_cost = latency ? 1e-3 : 1, max_cost = latency ? 1e-2 : 10, min_accuracy = 0,
         max_accuracy = 1;
  if (!scored.empty()) {
    min_cost = max_cost = cost_of(scored[0]);
    min_accuracy = max_accuracy = *scored[0].val_accuracy;
    for (const TrialRecord& trial : scored) {
      min_cost = std::min(min_cost, cost_of(trial));
      max_cost = std::max(max_cost, cost_of(trial));
      min_accuracy = std::min(min_accuracy, *trial.val_accuracy);
      max_accuracy = std::max(max_accuracy, *trial.val_accuracy);
    }
  }
  // Log scale on cost (budgets span orders of magnitude), padded ranges.
  double log_low = std::log10(min_cost) - 0.05, log_high = std::log10(max_cost) + 0.05;
  double accuracy_pad = std::max(0.01, (max_accuracy - min_accuracy) * 0.08);
  double accuracy_low = min_accuracy - accuracy_pad, accuracy_high = max_accuracy + accuracy_pad;
  auto x = [&](double cost) {
    return left + (std::log10(cost) - log_low) / (log_high - log_low) * (width - left - right);
  };
  auto y = [&](double accuracy) {
    return top +
           (accuracy_high - accuracy) / (accuracy_high - accuracy_low) * (height - top - bottom);
  };

  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      "<text x=\"{}\" y=\"24\" font-size=\"15\">{}: validation accuracy vs {} ({} trials, {} on "
      "the front)</text>\n",
      width, height, left, escape_xml(results.config.name()),
      latency ? "predicted latency" : "ReLUs", scored.size(), front.size());
  svg += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"black\"/>\n", left,
                     height - bottom, width - right);
  svg += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"black\"/>\n", left,
                     top, height - bottom);
  for (int power = static_cast<int>(std::ceil(log_low));
       power <= static_cast<int>(std::floor(log_high)); ++power) {
    double position = x(std::pow(10.0, power));
    svg += fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#ddd\"/>"
        "<text x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\">1e{4}</text>\n",
        position, top, height - bottom, height - bottom + 16, power);
  }
  for (int tick = 0; tick <= 4; ++tick) {
    double accuracy = accuracy_low + (accuracy_high - accuracy_low) * tick / 4.0;
    svg += fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{:.3f}</text>\n", left - 6,
                       y(accuracy) + 4, accuracy);
  }
  svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{} (log scale)</text>\n",
                     (left + width - right) / 2, height - 16,
                     latency ? "predicted online latency, s" : "ReLUs");
  svg += fmt::format(
      "<text x=\"18\" y=\"{}\" transform=\"rotate(-90 18 {})\" text-anchor=\"middle\">validation "
      "accuracy</text>\n",
      (top + height - bottom) / 2, (top + height - bottom) / 2);
  for (const TrialRecord& trial : scored) {
    if (on_front.count(trial.number)) continue;
    svg += fmt::format(
        "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"#aaa\"><title>{}</title></circle>\n",
        x(cost_of(trial)), y(*trial.val_accuracy), describe(trial));
  }
  std::string path;
  for (std::size_t i = 0; i < front.size(); ++i) {
    double px = x(cost_of(front[i])), py = y(*front[i].val_accuracy);
    if (i == 0)
      path += fmt::format("M{:.1f},{:.1f}", px, py);
    else
      path += fmt::format(" H{:.1f} V{:.1f}", px, py);
  }
  if (!path.empty())
    svg += "<path d=\"" + path + "\" fill=\"none\" stroke=\"#d62728\" stroke-width=\"1.5\"/>\n";
  for (const TrialRecord& trial : front) {
    svg += fmt::format(
        "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"4.5\" "
        "fill=\"#d62728\"><title>{}</title></circle>\n",
        x(cost_of(trial)), y(*trial.val_accuracy), describe(trial));
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace pinas::nas
