#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "train/data/augmentation.h"
#include "train/data/image_dataset.h"
#include "train/data/normalization.h"

namespace pinas::train {

// A dataset ready for training: the training part, the held-out validation
// part (empty when the fraction is 0), the test set, the input normalization
// (the dataset's standard constants, else statistics of the training part)
// and the dataset's standard training augmentation.
struct TrainingData {
  data::DatasetInfo info;
  std::shared_ptr<const data::ImageDataset> train;
  std::shared_ptr<const data::ImageDataset> validation;
  std::shared_ptr<const data::ImageDataset> test;
  data::Normalization normalization;
  data::AugmentationOptions augmentation;
};

// What to load: a data spec (see train/data/data_spec.h) and how to cut it.
struct TrainingDataRequest {
  std::string spec = "fashion-mnist";
  double validation_fraction = 0.1;
  uint64_t split_seed = 0;   // the validation split and subsets; fixed so candidates share them
  int64_t train_subset = 0;  // a stratified sample of N of the training part; 0 = all
  int64_t test_subset = 0;   // a stratified sample of N of the test set; 0 = all
};

// Loads (or returns the cached copy of) the data for `request`. Datasets are
// cached for the life of the process, keyed by the request, so the candidates
// of a search share one copy. Throws data::DatasetError naming the missing or
// corrupt file. Thread-safe.
std::shared_ptr<const TrainingData> load_training_data(const TrainingDataRequest& request);

}  // namespace pinas::train
