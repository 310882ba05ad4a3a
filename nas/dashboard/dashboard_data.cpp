#include "nas/dashboard/dashboard_data.h"

#include <fmt/format.h>

#include <chrono>
#include <optional>

#include "nas/config/experiment_config.h"
#include "nas/dashboard/dashboard_error.h"
#include "nas/dashboard/detail/layer_breakdown.h"
#include "nas/results/experiment_results.h"
#include "nas/store/trial_store.h"

namespace pinas::nas {
namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

nlohmann::json optional_number(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  try {
    return std::stod(*text);
  } catch (const std::exception&) {
    return nullptr;
  }
}

nlohmann::json experiment_json(const ExperimentResults& results, TrialStore& store) {
  const pb::ExperimentConfig& config = results.config;
  const auto finished_at = store.get_meta("finished_at");
  return {{"name", config.name()},
          {"folder", results.folder.string()},
          {"space", config.space()},
          {"dataset", dataset_family(config.dataset().name())},
          {"strategy", pb::StrategyKind_Name(config.strategy().kind())},
          {"metric", pb::CostMetric_Name(config.objective().cost())},
          {"cost_unit", cost_unit(config)},
          {"min_cost", min_cost(config)},
          {"max_cost", max_cost(config)},
          {"max_trials", config.max_trials()},
          {"parallelism", config.parallelism()},
          {"created_at", optional_number(store.get_meta("created_at"))},
          {"finished_at", optional_number(finished_at)},
          {"finished", finished_at.has_value()},
          {"generated_at", now_seconds()}};
}

nlohmann::json curve_json(const std::vector<EpochRecord>& epochs) {
  nlohmann::json curve = nlohmann::json::array();
  for (const EpochRecord& epoch : epochs) {
    curve.push_back({{"epoch", epoch.epoch},
                     {"train_loss", epoch.train_loss},
                     {"train_accuracy", epoch.train_accuracy},
                     {"val_accuracy", epoch.val_accuracy},
                     {"seconds", epoch.seconds}});
  }
  return curve;
}

nlohmann::json reference_json(const ReferencePoint& point) {
  return {{"method", point.method},
          {"source", point.source},
          {"dataset", point.dataset},
          {"relus", point.relus},
          {"accuracy", point.accuracy}};
}

}  // namespace

DashboardData::DashboardData(std::filesystem::path folder, std::vector<ReferencePoint> references)
    : folder_(std::move(folder)), references_(std::move(references)) {}

nlohmann::json DashboardData::snapshot() const {
  const ExperimentResults results = load_results(folder_);
  auto store = TrialStore::open(store_path(folder_), /*read_only=*/true);
  const pb::CostMetric metric = results.config.objective().cost();
  nlohmann::json trials = nlohmann::json::array();
  for (const TrialRecord& trial : results.trials) {
    nlohmann::json value = trial_json(trial, metric);
    value["rung"] = trial.rung;
    value["worker"] = trial.worker;
    value["created_at"] = trial.created_at;
    value["started_at"] = trial.started_at;
    value["finished_at"] = trial.finished_at;
    value["failure_reason"] = trial.failure_reason;
    value["curve"] = was_trained(trial.status) ? curve_json(store.epochs(trial.number))
                                               : nlohmann::json::array();
    trials.push_back(std::move(value));
  }
  nlohmann::json front = nlohmann::json::array();
  for (const TrialRecord& trial : pareto_trials(results)) front.push_back(trial.number);
  nlohmann::json reduced = nlohmann::json::array();
  for (const ReducedResult& network : results.reduced) reduced.push_back(reduced_json(network));
  nlohmann::json references = nlohmann::json::array();
  for (const ReferencePoint& point : references_) references.push_back(reference_json(point));
  return {{"experiment", experiment_json(results, store)},
          {"trials", trials},
          {"front", front},
          {"reduced", reduced},
          {"references", references}};
}

nlohmann::json DashboardData::trial_detail(std::int64_t trial) const {
  {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    auto cached = details_.find(trial);
    if (cached != details_.end()) return cached->second;
  }
  const ExperimentResults results = load_results(folder_);
  if (trial < 0 || trial >= static_cast<std::int64_t>(results.trials.size()))
    throw DashboardError(fmt::format("{}: no trial {} (the store holds {})", folder_.string(),
                                     trial, results.trials.size()));
  const TrialRecord& record = results.trials[static_cast<std::size_t>(trial)];
  nlohmann::json detail = detail::layer_breakdown(results.config, record.genotype_proto);
  detail["trial"] = trial;
  detail["genotype"] = record.genotype;
  std::lock_guard<std::mutex> lock(cache_mutex_);
  details_.emplace(trial, detail);
  return detail;
}

nlohmann::json DashboardData::report() const {
  nlohmann::json data = snapshot();
  nlohmann::json details = nlohmann::json::object();
  for (const auto& trial : data["trials"]) {
    const std::string status = trial["status"].get<std::string>();
    if (status == "over_budget" || status == "invalid") continue;  // never trained: not shown
    const auto number = trial["trial"].get<std::int64_t>();
    nlohmann::json detail = trial_detail(number);
    if (!detail.contains("unavailable")) details[std::to_string(number)] = std::move(detail);
  }
  data["details"] = std::move(details);
  return data;
}

}  // namespace pinas::nas
