#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <ostream>

#include "nas/strategies/weight_sharing_phase.h"
#include "proto/experiment.pb.h"
#include "proto/genotype.pb.h"
#include "search_spaces/architecture.h"

namespace pinas::nas {

// The final network of the derived cells: `cells` cells (L), reductions at
// strategy.darts.final_reduction_positions (or default_final_reductions(L)),
// and width strategy.darts.final_channels or, when 0, the widest C whose
// exact ReLU count (the sphynx space's count(): L * C * H * W) is within
// `max_relus`. Throws ConfigError when even C = 1 is over the budget.
// Thread-safe.
pb::Genotype fit_final_network(const pb::SphynxGenotype& derived_cells, int cells,
                               const pb::DartsOptions& options, spaces::Shape input,
                               std::int64_t num_classes, std::int64_t max_relus);

// The supernet phase of `strategy { kind: DARTS }` in experiment `folder`
// (its trial store exists): trains the DARTS supernet with the checkpoint
// folder/supernet/darts.pt (resuming from it after a kill), prints one line
// per supernet epoch to `log` (train and validation accuracy, the ReLUs of
// the budget-fitted network, the derived genotype), records the cells of the
// best validation epoch in the store (meta "darts_cells"; a resumed search
// that finds them skips the supernet), with darts.locations.enabled runs
// the reduction-location search per final network
// (nas/strategies/sphynx_locations.h) whose pair becomes its reductions, and
// returns one candidate per strategy.darts.final_cells entry. Throws ConfigError, StoreError,
// data::DatasetError, pinas::Error (see train::supernet::run_darts_search).
// Not thread-safe.
// With `group` the supernet trains data-parallel (rank 0's part; see
// run_weight_sharing_phase).
DerivedSearch run_darts_phase(const pb::ExperimentConfig& config,
                              const std::filesystem::path& folder, std::ostream& log,
                              std::shared_ptr<train::supernet::DataParallelGroup> group = nullptr);

// A worker rank's part of the data-parallel supernet (see
// run_weight_sharing_worker).
void run_darts_supernet_worker(const pb::ExperimentConfig& config,
                               const std::filesystem::path& folder,
                               std::shared_ptr<train::supernet::DataParallelGroup> group);

}  // namespace pinas::nas
