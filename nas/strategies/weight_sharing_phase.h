#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "nas/spaces/candidate_space.h"
#include "nas/strategies/strategy.h"
#include "proto/experiment.pb.h"
#include "search_spaces/architecture.h"

namespace pinas::train::supernet {
class DataParallelGroup;  // train/supernet/data_parallel_group.h
}

// What the weight-sharing strategies (DARTS, ENAS) have in common around
// their supernet: the data shape and budget they fit to, the store entry that
// says the supernet phase is done, and the hand-over to the search loop.
namespace pinas::nas {

// What the weight-sharing phase hands to the ordinary search loop: the
// derived networks as a candidate space and the strategy proposing them.
struct DerivedSearch {
  std::unique_ptr<CandidateSpace> space;
  std::unique_ptr<Strategy> strategy;
};

// The experiment's input shape, class count and ReLU budget (objective
// max_relus), read from the dataset the trainer loads. Throws
// data::DatasetError for unreadable data. Thread-safe.
struct WeightSharingTarget {
  spaces::Shape input;
  std::int64_t num_classes = 0;
  std::int64_t max_relus = 0;
};
WeightSharingTarget weight_sharing_target(const pb::ExperimentConfig& config);

// The widest C in 1..65536 with relus_at(C) <= max_relus, given that ReLUs
// grow with C (about linearly: the guess max_relus / relus_at(1) is then
// corrected by exact counts). Returns 0 when even C = 1 is over. Thread-safe
// if relus_at is.
std::int64_t widest_channels_within(std::int64_t max_relus,
                                    const std::function<std::int64_t(std::int64_t)>& relus_at);

// The supernet phase's result recorded in the trial store of `folder` under
// meta `key`: read (nullopt until recorded) and write. Throws StoreError.
// Not thread-safe against other writers of the store.
std::optional<std::string> recorded_supernet_result(const std::filesystem::path& folder,
                                                    const std::string& key);
void record_supernet_result(const std::filesystem::path& folder, const std::string& key,
                            const std::string& value);

// The supernet phase of a weight-sharing strategy in experiment `folder`
// (its trial store exists): DARTS (nas/strategies/darts_search_driver.h) or
// ENAS (nas/strategies/enas_search_driver.h) by strategy.kind. With a
// `group` (rank 0 of an MPI job) the supernet trains data-parallel with the
// other ranks, which run run_weight_sharing_worker meanwhile. Throws what
// they throw, ConfigError for another kind. Not thread-safe.
DerivedSearch run_weight_sharing_phase(
    const pb::ExperimentConfig& config, const std::filesystem::path& folder, std::ostream& log,
    std::shared_ptr<train::supernet::DataParallelGroup> group = nullptr);

// A worker rank's part of the phase (rank > 0 of `group`): trains its shard
// of the supernet with rank 0, silently, unless the store of `folder`
// already records the supernet's result (then rank 0 skips it too); the
// location stage and the store are rank 0's. Returns when the supernet is
// trained. Throws what run_weight_sharing_phase throws. Not thread-safe.
void run_weight_sharing_worker(const pb::ExperimentConfig& config,
                               const std::filesystem::path& folder,
                               std::shared_ptr<train::supernet::DataParallelGroup> group);

}  // namespace pinas::nas
