#pragma once

#include <cstdint>
#include <memory>

#include "train/data/batch_loader.h"

namespace pinas::train::supernet {

// The loaders of a weight-sharing search (DARTS' α/w steps, Sphynx's
// location stage, ENAS' reward minibatches): one part of the training split,
// shuffled per epoch from `seed`, on one background thread. A last batch of
// one image would break batch norm, so a partial last batch is dropped
// whenever the part holds more than one batch. Throws what BatchLoader throws.
std::unique_ptr<data::BatchLoader> make_search_loader(
    std::shared_ptr<const data::ImageDataset> part, int64_t batch_size, uint64_t seed,
    const data::Normalization& normalization, const data::AugmentationOptions& augmentation);

// An evaluation loader over `dataset`: batches of 256 in storage order, no
// augmentation. Throws what BatchLoader throws.
std::unique_ptr<data::BatchLoader> make_evaluation_loader(
    std::shared_ptr<const data::ImageDataset> dataset, const data::Normalization& normalization);

}  // namespace pinas::train::supernet
