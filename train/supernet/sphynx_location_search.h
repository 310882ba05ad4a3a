#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "proto/genotype.pb.h"
#include "train/supernet/location_search.h"

namespace pinas::train::supernet {

// Sphynx's reduction-location search for L-cell networks of fixed cells:
// every pair (j, i), j < i <= last_position, of reduction cells is one
// candidate, the sphynx space's own network (search_spaces/sphynx_space.h:
// the ops, channels x4 at each reduction, one ReLU per cell) as the trainer
// builds it, so the chosen network is exactly what is retrained. Unlike
// Sphynx's code the candidates do not share their stem (each is a complete
// network of the space); it changes the weights trained, not the choice
// space.
struct SphynxLocationSearchSettings {
  // The data as the trainer loads it (train/training_data.h), the training
  // part split into the weight part (weight_fraction) and the beta part.
  std::string data_spec = "fashion-mnist";
  double validation_fraction = 0.1;
  int64_t train_subset = 0;
  int64_t test_subset = 0;
  double weight_fraction = 0.5;
  pb::SphynxGenotype cells;  // normal and reduction cells (from the cell search)
  int num_cells = 5;         // L
  int64_t channels = 16;     // C of the candidates
  int last_position = 0;     // the largest i; 0: floor(2L / 3), Sphynx's bound
  LocationSearchSettings search;
  int threads = 0;  // intra-op threads; 0 leaves the current setting
};

struct SphynxLocationSearchResult {
  std::vector<std::pair<int, int>> pairs;  // candidate c = pairs[c]
  std::pair<int, int> chosen;
  LocationSearchResult search;
};

// The candidate pairs (j, i), 0 <= j < i <= last, i < num_cells, in
// lexicographic order; last = floor(2 * num_cells / 3) when `last_position`
// is 0. Throws pinas::Error when there are none (num_cells < 2, or
// last_position < 1). Thread-safe.
std::vector<std::pair<int, int>> reduction_location_pairs(int num_cells, int last_position = 0);

// Loads the data, builds one candidate network per pair and runs
// run_location_search. `on_epoch` (may be empty) sees each epoch with the
// pairs. Throws data::DatasetError for unreadable data, spaces::GraphError
// or pinas::Error for invalid cells or settings, SupernetCheckpointError for
// an unusable checkpoint. Thread-safety: one search per thread.
SphynxLocationSearchResult run_sphynx_location_search(
    const SphynxLocationSearchSettings& settings,
    const std::function<void(const LocationEpochReport&, const std::vector<std::pair<int, int>>&)>&
        on_epoch = {});

}  // namespace pinas::train::supernet
