#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <vector>

#include "nas/dashboard/reference_points.h"

namespace pinas::nas {

// What the dashboard page shows, read from an experiment folder: its store
// opened read-only for every call (SQLite WAL readers never block the
// search's writer, and each call sees the latest committed state), the
// reduction step's fronts, and published reference points.
// Thread-safe: calls may run concurrently (the page's HTTP handlers).
class DashboardData {
 public:
  // `folder` is an experiment folder (it need not exist yet: calls throw
  // until the search has created its store).
  DashboardData(std::filesystem::path folder, std::vector<ReferencePoint> references);

  // {"experiment": {name, folder, space, dataset, strategy, metric, cost_unit, min_cost,
  // max_cost, max_trials, parallelism, created_at, finished_at, finished, generated_at},
  // "trials": [trial_json + rung, worker, created_at, started_at, finished_at,
  // failure_reason, curve: [{epoch, train_loss, train_accuracy, val_accuracy, seconds}]],
  // "front": [trial numbers on the Pareto front, by cost], "reduced": [reduced_json],
  // "references": [{method, source, dataset, relus, accuracy}]}.
  // Throws StoreError / ConfigError naming the folder.
  nlohmann::json snapshot() const;

  // {"trial": N, ...detail::layer_breakdown}: the per-layer ReLU and cost
  // breakdown of trial N's network (computed once per trial, then cached: a
  // trial's genotype never changes). Throws DashboardError for an unknown
  // trial, StoreError for an unreadable store.
  nlohmann::json trial_detail(std::int64_t trial) const;

  // snapshot() plus "details": {"N": trial_detail(N)} for every trained trial
  // with a network: everything the page needs, for a static report.
  nlohmann::json report() const;

  const std::filesystem::path& folder() const { return folder_; }

 private:
  std::filesystem::path folder_;
  std::vector<ReferencePoint> references_;
  mutable std::mutex cache_mutex_;
  mutable std::map<std::int64_t, nlohmann::json> details_;
};

}  // namespace pinas::nas
