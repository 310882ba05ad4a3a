#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "train/data/image_dataset.h"
#include "train/data/image_folder_reader.h"

namespace pinas::train::data {

enum class DatasetKind { kFashionMnist, kCifar10, kCifar100, kFolder };

// A parsed data spec string:
//   fashion-mnist          Debian's /usr/share/datasets/fashion-mnist
//   fashion-mnist:DIR      the four IDX files (gzip or raw) in DIR
//   cifar10:DIR            CIFAR-10 binary batches in DIR (or DIR/cifar-10-batches-bin)
//   cifar100:DIR           CIFAR-100 binary train.bin/test.bin (or DIR/cifar-100-binary)
//   folder:DIR             an image folder, see load_data()
struct DataSpec {
  DatasetKind kind = DatasetKind::kFashionMnist;
  std::filesystem::path directory;
  std::string text;  // the spec as given, for messages
};

// Parses a spec string. Throws DatasetError quoting the spec for an unknown kind
// or a missing DIR.
DataSpec parse_data_spec(const std::string& text);

// Optional reductions for fast runs (CI, smoke tests).
struct SubsetOptions {
  size_t train_count = 0;        // 0: all
  size_t test_count = 0;         // 0: all
  uint64_t seed = 0;             // the subsets are seeded, stratified samples (split.h)
};

struct LoadOptions {
  SubsetOptions subset;
  ImageFolderOptions folder;  // for folder: specs
  // folder:DIR without train/test (or val) subfolders: this fraction of DIR,
  // chosen with split_train_validation(…, folder_test_fraction, folder_split_seed),
  // becomes the test set.
  double folder_test_fraction = 0.1;
  uint64_t folder_split_seed = 0;
};

// A train set, a test set and their shared metadata.
struct LoadedData {
  DatasetInfo info;
  ImageDataset train;
  ImageDataset test;
};

// Loads both sets of `spec`, then applies the subset. For folder:DIR:
//   DIR/train/<class>/… is the train set (Tiny-ImageNet's <class>/images/ too);
//   the test set is DIR/val with val_annotations.txt if present (Tiny-ImageNet),
//   else DIR/test/<class>/… (class indices fixed by the train folder), else
//   a seeded split of the train folder (LoadOptions::folder_test_fraction);
//   without DIR/train, DIR itself holds the class folders and the test set is
//   such a split of it.
// Throws DatasetError naming the missing or corrupt file.
LoadedData load_data(const DataSpec& spec, const LoadOptions& options = {});
LoadedData load_data(const std::string& spec, const LoadOptions& options = {});

}  // namespace pinas::train::data
