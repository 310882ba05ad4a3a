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

// The final network of a searched architecture (CryptoNAS' budget step): its
// L layers, ops and skips, and width strategy.enas.final_channels or, when
// 0, the widest C whose exact ReLU count (the cryptonas space's count():
// L * C * H * W) is within `max_relus`. Throws ConfigError when even C = 1
// is over the budget, spaces::SpaceError for a malformed architecture.
// Thread-safe.
pb::Genotype fit_cryptonas_network(const pb::CryptoNasGenotype& architecture,
                                   const pb::EnasOptions& options, spaces::Shape input,
                                   std::int64_t num_classes, std::int64_t max_relus);

// The supernet phase of `strategy { kind: ENAS }` in experiment `folder`
// (its trial store exists): runs nas::run_enas_search with the checkpoint
// folder/supernet/enas.pt (resuming from it after a kill), prints one line
// per supernet epoch to `log` (train and validation accuracy, the
// controller's mean reward and entropy, the ReLUs of the budget-fitted most
// likely network, its genotype), then the scored final samples; records the
// best in the store (meta "enas_architecture"; a resumed search that finds
// it skips the supernet) and returns it, fitted to the budget, as the one
// candidate. Throws ConfigError, StoreError, data::DatasetError,
// pinas::Error (see run_enas_search). Not thread-safe.
// With `group` the supernet trains data-parallel (rank 0's part; see
// run_weight_sharing_phase).
DerivedSearch run_enas_phase(const pb::ExperimentConfig& config,
                             const std::filesystem::path& folder, std::ostream& log,
                             std::shared_ptr<train::supernet::DataParallelGroup> group = nullptr);

// A worker rank's part of the data-parallel supernet (see
// run_weight_sharing_worker).
void run_enas_supernet_worker(const pb::ExperimentConfig& config,
                              const std::filesystem::path& folder,
                              std::shared_ptr<train::supernet::DataParallelGroup> group);

}  // namespace pinas::nas
