#include "train/data/split.h"

#include <algorithm>
#include <cmath>

#include "train/data/dataset_error.h"
#include "train/data/detail/random.h"

namespace pinas::train::data {

TrainValidationSplit split_train_validation(const ImageDataset& dataset, double validation_fraction,
                                            uint64_t seed) {
  if (!(validation_fraction >= 0.0 && validation_fraction < 1.0)) {
    throw DatasetError("dataset " + dataset.name + ": validation fraction " +
                       std::to_string(validation_fraction) + " is not in [0, 1)");
  }
  const size_t size = dataset.size();
  size_t validation_count =
      static_cast<size_t>(std::llround(validation_fraction * static_cast<double>(size)));
  if (validation_fraction > 0.0 && size >= 2)
    validation_count = std::max<size_t>(validation_count, 1);
  validation_count = std::min(validation_count, size > 0 ? size - 1 : 0);
  const std::vector<size_t> order =
      detail::seeded_permutation(size, detail::mix_seed(seed, 0x5B117));
  std::vector<size_t> validation(order.begin(), order.begin() + validation_count);
  std::vector<size_t> train(order.begin() + validation_count, order.end());
  std::sort(validation.begin(), validation.end());
  std::sort(train.begin(), train.end());
  TrainValidationSplit split{dataset.select(train), dataset.select(validation)};
  split.train.name = dataset.name + "/train-part";
  split.validation.name = dataset.name + "/validation";
  return split;
}

std::vector<size_t> subset_indices(size_t size, size_t count, std::optional<uint64_t> seed) {
  if (count == 0 || count > size) count = size;
  std::vector<size_t> indices;
  if (!seed.has_value()) {
    indices.resize(count);
    for (size_t i = 0; i < count; ++i) indices[i] = i;
    return indices;
  }
  const std::vector<size_t> order =
      detail::seeded_permutation(size, detail::mix_seed(*seed, 0x5B5E7));
  indices.assign(order.begin(), order.begin() + count);
  std::sort(indices.begin(), indices.end());
  return indices;
}

ImageDataset take_subset(const ImageDataset& dataset, size_t count, std::optional<uint64_t> seed) {
  if (count == 0 || count >= dataset.size()) return dataset;
  return dataset.select(subset_indices(dataset.size(), count, seed));
}

}  // namespace pinas::train::data
