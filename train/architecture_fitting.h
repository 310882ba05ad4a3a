#pragma once

#include <cstdint>

#include "search_spaces/architecture.h"
#include "train/data/image_dataset.h"

namespace pinas::train {

// Makes `architecture` fit a dataset's input shape and class count. An
// architecture that already fits is returned unchanged. One that came from a
// search space (space() and genotype() set) is rebuilt from its genotype for
// the dataset's shape and classes, keeping its name. Any other mismatch is
// refused: throws pinas::Error naming the architecture, its input and logits,
// and the dataset's. Thread-safe.
spaces::Architecture fit_architecture(const spaces::Architecture& architecture, const data::DatasetInfo& dataset);

// Throws pinas::Error (as above) unless `architecture` takes the dataset's
// C×H×W input and produces one logit per class.
void check_architecture_fits(const spaces::Architecture& architecture, const data::DatasetInfo& dataset);

}  // namespace pinas::train
