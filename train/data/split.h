#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "train/data/image_dataset.h"

namespace pinas::train::data {

// A training set divided into the part the weights are fitted on and the held-out
// validation part the search selects on (never the test set).
struct TrainValidationSplit {
  ImageDataset train;
  ImageDataset validation;
};

// Deterministic split: a seeded permutation of 0..N-1 puts its first
// round(N × validation_fraction) entries into validation (at least 1 when the
// fraction is positive and N ≥ 2), the rest into train; both keep the original
// order. The same (dataset, fraction, seed) always gives the same split, on any
// platform. Requires 0 ≤ validation_fraction < 1, else throws DatasetError.
// Names become "<name>/train-part" and "<name>/validation".
TrainValidationSplit split_train_validation(const ImageDataset& dataset, double validation_fraction,
                                            uint64_t seed);

// Indices of a subset of `count` of 0..size-1, in increasing order: the first
// `count` when `seed` is empty, else a seeded uniform random sample. count ≥ size
// (or 0) means all.
std::vector<size_t> subset_indices(size_t size, size_t count, std::optional<uint64_t> seed);

// dataset.select(subset_indices(dataset.size(), count, seed)); for fast CI runs.
ImageDataset take_subset(const ImageDataset& dataset, size_t count, std::optional<uint64_t> seed);

}  // namespace pinas::train::data
