#include "train/data/split.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "train/data/dataset_error.h"
#include "train/data/detail/random.h"

namespace pinas::train::data {

namespace {

// How many of each class a sample of `count` takes: the proportional share,
// rounded down, plus one for the classes with the largest remainders.
std::map<int64_t, size_t> class_quotas(const std::map<int64_t, std::vector<size_t>>& by_class,
                                       size_t total, size_t count) {
  std::map<int64_t, size_t> quotas;
  struct Remainder {
    int64_t label;
    size_t numerator;  // (count × class size) mod total: compared exactly, no floating point
  };
  std::vector<Remainder> remainders;
  size_t assigned = 0;
  for (const auto& [label, members] : by_class) {
    // count × class size can pass 2^64 for huge sets: multiply in 128 bits.
    const unsigned __int128 product = static_cast<unsigned __int128>(count) * members.size();
    const size_t quota = static_cast<size_t>(product / total);
    quotas[label] = quota;
    assigned += quota;
    remainders.push_back({label, static_cast<size_t>(product % total)});
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const Remainder& a, const Remainder& b) { return a.numerator > b.numerator; });
  for (size_t i = 0; assigned < count && i < remainders.size(); ++i, ++assigned) {
    ++quotas[remainders[i].label];
  }
  return quotas;
}

}  // namespace

std::vector<size_t> stratified_sample(std::span<const int64_t> labels, size_t count, uint64_t seed) {
  const size_t size = labels.size();
  if (count == 0 || count >= size) {
    std::vector<size_t> all(size);
    std::iota(all.begin(), all.end(), size_t{0});
    return all;
  }
  std::map<int64_t, std::vector<size_t>> by_class;
  for (size_t i = 0; i < size; ++i) by_class[labels[i]].push_back(i);
  const std::map<int64_t, size_t> quotas = class_quotas(by_class, size, count);
  std::vector<size_t> chosen;
  chosen.reserve(count);
  for (const auto& [label, members] : by_class) {
    const std::vector<size_t> order = detail::seeded_permutation(
        members.size(), detail::mix_seed(seed, 0x5B5E7, static_cast<uint64_t>(label)));
    const size_t quota = quotas.at(label);
    for (size_t i = 0; i < quota; ++i) chosen.push_back(members[order[i]]);
  }
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

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
  std::vector<size_t> validation;
  if (validation_count > 0) {
    validation = stratified_sample(dataset.labels, validation_count, detail::mix_seed(seed, 0x5B117));
  }
  std::vector<size_t> train;
  train.reserve(size - validation.size());
  size_t next_validation = 0;
  for (size_t i = 0; i < size; ++i) {
    if (next_validation < validation.size() && validation[next_validation] == i) {
      ++next_validation;
    } else {
      train.push_back(i);
    }
  }
  TrainValidationSplit split{dataset.select(train), dataset.select(validation)};
  split.train.name = dataset.name + "/train-part";
  split.validation.name = dataset.name + "/validation";
  return split;
}

ImageDataset take_subset(const ImageDataset& dataset, size_t count, uint64_t seed) {
  if (count == 0 || count >= dataset.size()) return dataset;
  return dataset.select(stratified_sample(dataset.labels, count, seed));
}

}  // namespace pinas::train::data
