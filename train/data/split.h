#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "train/data/image_dataset.h"

namespace pinas::train::data {

// A training set divided into the part the weights are fitted on and the held-out
// validation part the search selects on (never the test set).
struct TrainValidationSplit {
  ImageDataset train;
  ImageDataset validation;
};

// A seeded, stratified random sample of `count` of the examples whose labels are
// `labels`: each class contributes in proportion to its share of the examples
// (largest remainders, ties to the lower class index), and within a class the
// examples are a seeded uniform sample. Storage order does not matter, so a
// class-ordered folder dataset gives the same class balance as a shuffled one.
// Returns indices into `labels` in increasing order; count ≥ labels.size() (or 0)
// means all. The same (labels, count, seed) gives the same indices on any platform.
// Thread-safe.
std::vector<size_t> stratified_sample(std::span<const int64_t> labels, size_t count, uint64_t seed);

// Deterministic, stratified split: round(N × validation_fraction) examples (at
// least 1 when the fraction is positive and N ≥ 2) go to validation, chosen with
// stratified_sample, the rest to train; both keep the original order. Requires
// 0 ≤ validation_fraction < 1, else throws DatasetError. Names become
// "<name>/train-part" and "<name>/validation".
TrainValidationSplit split_train_validation(const ImageDataset& dataset, double validation_fraction,
                                            uint64_t seed);

// dataset.select(stratified_sample(dataset.labels, count, seed)): a class-balanced
// subset for fast runs. count 0 or ≥ size keeps everything.
ImageDataset take_subset(const ImageDataset& dataset, size_t count, uint64_t seed);

}  // namespace pinas::train::data
