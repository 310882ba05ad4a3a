#pragma once

#include <filesystem>
#include <vector>

#include "train/data/image_dataset.h"

namespace pinas::train::data {

// Readers for the official CIFAR binary formats (3×32×32, planar R, G, B
// planes, exactly our N×C×H×W layout).
// CIFAR-10: records of 1 label byte + 3072 pixel bytes, in data_batch_1..5.bin
// (train) and test_batch.bin (test); class names from batches.meta.txt if present,
// else the ten official names.
// CIFAR-100: records of 1 coarse + 1 fine label byte + 3072 pixel bytes, in
// train.bin and test.bin; fine labels are used; class names from
// fine_label_names.txt if present, else "0".."99".
// `directory` may be the folder holding the .bin files or its parent containing
// cifar-10-batches-bin/ (resp. cifar-100-binary/), as the official tarballs unpack.
// All throw DatasetError naming the file on a missing file, a size that is not a
// whole number of records, or a label out of range.

ImageDataset read_cifar10(const std::filesystem::path& directory, bool train);
ImageDataset read_cifar100(const std::filesystem::path& directory, bool train);

// Reads raw CIFAR record files. `label_bytes` is 1 (CIFAR-10) or 2 (CIFAR-100,
// the last byte, the fine label, is used).
ImageDataset read_cifar_files(const std::vector<std::filesystem::path>& files, int label_bytes,
                              std::vector<std::string> class_names, std::string name);

}  // namespace pinas::train::data
