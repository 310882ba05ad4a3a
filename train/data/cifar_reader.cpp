#include "train/data/cifar_reader.h"

#include <cstring>
#include <fstream>

#include "train/data/dataset_error.h"
#include "train/data/detail/file_bytes.h"

namespace pinas::train::data {

namespace {

constexpr int64_t kSide = 32;
constexpr size_t kImageBytes = 3 * kSide * kSide;

const std::vector<std::string>& cifar10_default_names() {
  static const std::vector<std::string> names = {
      "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"};
  return names;
}

// Reads one name per non-empty line (the meta files end with blank lines).
std::vector<std::string> read_name_file(const std::filesystem::path& path) {
  std::ifstream stream(path);
  std::vector<std::string> names;
  std::string line;
  while (std::getline(stream, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty()) names.push_back(line);
  }
  return names;
}

std::vector<std::string> class_names_from(const std::filesystem::path& meta_file,
                                          std::vector<std::string> fallback) {
  std::error_code error;
  if (!std::filesystem::exists(meta_file, error)) return fallback;
  std::vector<std::string> names = read_name_file(meta_file);
  if (names.size() != fallback.size()) {
    throw DatasetError("CIFAR class name file " + meta_file.string() + ": " +
                       std::to_string(names.size()) + " names, expected " +
                       std::to_string(fallback.size()));
  }
  return names;
}

// The folder holding the .bin files: `directory` itself, or the official
// tarball's subfolder inside it.
std::filesystem::path binary_folder(const std::filesystem::path& directory,
                                    const std::string& probe_file, const std::string& subfolder) {
  std::error_code error;
  if (!std::filesystem::exists(directory / probe_file, error) &&
      std::filesystem::exists(directory / subfolder / probe_file, error)) {
    return directory / subfolder;
  }
  return directory;
}

}  // namespace

ImageDataset read_cifar_files(const std::vector<std::filesystem::path>& files, int label_bytes,
                              std::vector<std::string> class_names, std::string name) {
  if (label_bytes != 1 && label_bytes != 2) {
    throw DatasetError("CIFAR reader: label_bytes must be 1 or 2, not " +
                       std::to_string(label_bytes));
  }
  const size_t record_size = static_cast<size_t>(label_bytes) + kImageBytes;
  ImageDataset dataset;
  dataset.name = std::move(name);
  dataset.channels = 3;
  dataset.height = kSide;
  dataset.width = kSide;
  dataset.class_names = std::move(class_names);
  for (const std::filesystem::path& file : files) {
    const std::vector<uint8_t> bytes = detail::read_file_bytes(file);
    if (bytes.empty() || bytes.size() % record_size != 0) {
      throw DatasetError("CIFAR file " + file.string() + ": " + std::to_string(bytes.size()) +
                         " bytes is not a positive multiple of the " + std::to_string(record_size) +
                         "-byte record (wrong size or truncated)");
    }
    const size_t records = bytes.size() / record_size;
    const size_t first = dataset.labels.size();
    dataset.pixels.resize((first + records) * kImageBytes);
    dataset.labels.resize(first + records);
    for (size_t r = 0; r < records; ++r) {
      const uint8_t* record = bytes.data() + r * record_size;
      const uint8_t label = record[label_bytes - 1];
      if (label >= dataset.class_names.size()) {
        throw DatasetError("CIFAR file " + file.string() + ": label " + std::to_string(label) +
                           " of record " + std::to_string(r) + " is not below the class count " +
                           std::to_string(dataset.class_names.size()));
      }
      dataset.labels[first + r] = label;
      std::memcpy(dataset.pixels.data() + (first + r) * kImageBytes, record + label_bytes,
                  kImageBytes);
    }
  }
  return dataset;
}

ImageDataset read_cifar10(const std::filesystem::path& directory, bool train) {
  const std::filesystem::path folder = binary_folder(
      directory, train ? "data_batch_1.bin" : "test_batch.bin", "cifar-10-batches-bin");
  std::vector<std::filesystem::path> files;
  if (train) {
    for (int i = 1; i <= 5; ++i)
      files.push_back(folder / ("data_batch_" + std::to_string(i) + ".bin"));
  } else {
    files.push_back(folder / "test_batch.bin");
  }
  return read_cifar_files(files, 1,
                          class_names_from(folder / "batches.meta.txt", cifar10_default_names()),
                          std::string("cifar10/") + (train ? "train" : "test"));
}

ImageDataset read_cifar100(const std::filesystem::path& directory, bool train) {
  const std::string file = train ? "train.bin" : "test.bin";
  const std::filesystem::path folder = binary_folder(directory, file, "cifar-100-binary");
  std::vector<std::string> numbered;
  for (int i = 0; i < 100; ++i) numbered.push_back(std::to_string(i));
  return read_cifar_files({folder / file}, 2,
                          class_names_from(folder / "fine_label_names.txt", numbered),
                          std::string("cifar100/") + (train ? "train" : "test"));
}

}  // namespace pinas::train::data
