#pragma once

#include <filesystem>
#include <ostream>
#include <string>
#include <utility>

#include "proto/experiment.pb.h"
#include "proto/genotype.pb.h"

// Sphynx's reduction-location search as a stage of `strategy { kind: DARTS }`
// (darts { locations { enabled: true } }, proto/experiment.proto).
namespace pinas::nas {

// The reduction pair (j, i) of the `cells`-cell network of `derived_cells`
// at width `channels` (the candidates' width when locations.channels is 0)
// in experiment `folder` (its trial store exists): read from the store (meta
// "darts_locations_L<cells>") when an earlier run finished it, else searched
// (checkpoint folder/supernet/locations-L<cells>.pt, resumed after a kill),
// printing one line per epoch to `log`, and recorded. Throws ConfigError,
// StoreError, data::DatasetError, pinas::Error
// (train/supernet/sphynx_location_search.h). Not thread-safe.
std::pair<int, int> run_location_stage(const pb::ExperimentConfig& config,
                                       const std::filesystem::path& folder,
                                       const pb::SphynxGenotype& derived_cells, int cells,
                                       std::int64_t channels, std::ostream& log);

}  // namespace pinas::nas
