#include "train/data/data_spec.h"

#include "train/data/cifar_reader.h"
#include "train/data/dataset_error.h"
#include "train/data/idx_reader.h"
#include "train/data/split.h"

namespace pinas::train::data {

namespace {

namespace fs = std::filesystem;

bool directory_exists(const fs::path& path) {
  std::error_code error;
  return fs::is_directory(path, error);
}

LoadedData load_folder(const fs::path& directory, const LoadOptions& options) {
  if (!directory_exists(directory)) {
    throw DatasetError("image folder " + directory.string() + ": not found or not a directory");
  }
  LoadedData data;
  const fs::path train_folder = directory / "train";
  if (!directory_exists(train_folder)) {
    // DIR holds the class folders itself: the test set is a seeded split of it.
    TrainValidationSplit split =
        split_train_validation(read_image_folder(directory, options.folder),
                               options.folder_test_fraction, options.folder_split_seed);
    data.train = std::move(split.train);
    data.test = std::move(split.validation);
    data.train.name = directory.string() + " (train split)";
    data.test.name = directory.string() + " (test split)";
    return data;
  }
  data.train = read_image_folder(train_folder, options.folder);
  // Later sets must match the train set's classes, channels and size.
  ImageFolderOptions matching = options.folder;
  matching.channels = data.train.channels;
  const fs::path validation_folder = directory / "val";
  const fs::path test_folder = directory / "test";
  std::error_code error;
  if (fs::exists(validation_folder / "val_annotations.txt", error)) {
    data.test = read_annotated_image_folder(validation_folder, data.train.class_names, matching);
  } else if (directory_exists(test_folder)) {
    data.test = read_image_folder(test_folder, matching, data.train.class_names);
  } else {
    TrainValidationSplit split =
        split_train_validation(data.train, options.folder_test_fraction, options.folder_split_seed);
    data.train = std::move(split.train);
    data.test = std::move(split.validation);
  }
  if (data.test.height != data.train.height || data.test.width != data.train.width) {
    throw DatasetError("image folder " + directory.string() + ": test images are " +
                       std::to_string(data.test.height) + "x" + std::to_string(data.test.width) +
                       " but train images " + std::to_string(data.train.height) + "x" +
                       std::to_string(data.train.width) + " (set a resize size)");
  }
  return data;
}

}  // namespace

DataSpec parse_data_spec(const std::string& text) {
  const size_t colon = text.find(':');
  const std::string kind = text.substr(0, colon);
  const std::string directory = colon == std::string::npos ? "" : text.substr(colon + 1);
  DataSpec spec;
  spec.text = text;
  spec.directory = directory;
  if (kind == "fashion-mnist") {
    spec.kind = DatasetKind::kFashionMnist;
    if (colon == std::string::npos) spec.directory = kDebianFashionMnistDirectory;
  } else if (kind == "cifar10") {
    spec.kind = DatasetKind::kCifar10;
  } else if (kind == "cifar100") {
    spec.kind = DatasetKind::kCifar100;
  } else if (kind == "folder") {
    spec.kind = DatasetKind::kFolder;
  } else {
    throw DatasetError("data spec '" + text +
                       "': unknown dataset (fashion-mnist[:DIR], cifar10:DIR, cifar100:DIR, "
                       "folder:DIR)");
  }
  if (spec.directory.empty())
    throw DatasetError("data spec '" + text + "': missing directory after ':'");
  return spec;
}

LoadedData load_data(const DataSpec& spec, const LoadOptions& options) {
  LoadedData data;
  switch (spec.kind) {
    case DatasetKind::kFashionMnist:
      data.train = read_fashion_mnist(spec.directory, true);
      data.test = read_fashion_mnist(spec.directory, false);
      data.info.name = "fashion-mnist";
      break;
    case DatasetKind::kCifar10:
      data.train = read_cifar10(spec.directory, true);
      data.test = read_cifar10(spec.directory, false);
      data.info.name = "cifar10";
      break;
    case DatasetKind::kCifar100:
      data.train = read_cifar100(spec.directory, true);
      data.test = read_cifar100(spec.directory, false);
      data.info.name = "cifar100";
      break;
    case DatasetKind::kFolder:
      data = load_folder(spec.directory, options);
      data.info.name = "folder";
      break;
  }
  // Only copy when a subset is asked for: the full sets can be large.
  auto reduce = [&](ImageDataset& dataset, size_t count) {
    if (count > 0 && count < dataset.size()) dataset = take_subset(dataset, count, options.subset.seed);
  };
  reduce(data.train, options.subset.train_count);
  reduce(data.test, options.subset.test_count);
  data.train.validate();
  data.test.validate();
  data.info.channels = data.train.channels;
  data.info.height = data.train.height;
  data.info.width = data.train.width;
  data.info.class_names = data.train.class_names;
  return data;
}

LoadedData load_data(const std::string& spec, const LoadOptions& options) {
  return load_data(parse_data_spec(spec), options);
}

}  // namespace pinas::train::data
