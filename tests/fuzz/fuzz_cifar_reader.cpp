// CIFAR-10 and CIFAR-100 binary record files -> ImageDataset: a clean
// pinas::Error (DatasetError naming the file), or a dataset of whole 3x32x32
// records with every label below the class count. The reader takes paths, so
// each input is written to one file in a private temporary folder first.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "proto/error.h"
#include "tests/fuzz/detail/seed_files.h"
#include "train/data/cifar_reader.h"

namespace {

const std::filesystem::path& input_file() {
  static const std::filesystem::path path = [] {
    std::string folder =
        (std::filesystem::temp_directory_path() / "pinas-fuzz-cifar-XXXXXX").string();
    if (mkdtemp(folder.data()) == nullptr) __builtin_trap();
    return std::filesystem::path(folder) / "data_batch.bin";
  }();
  return path;
}

// Traps on a broken dataset (what a valid object means for this reader).
void check(const pinas::train::data::ImageDataset& dataset, std::size_t classes) {
  const std::size_t images = dataset.labels.size();
  if (dataset.channels != 3 || dataset.height != 32 || dataset.width != 32 ||
      dataset.pixels.size() != images * 3 * 32 * 32 || dataset.class_names.size() != classes) {
    __builtin_trap();
  }
  for (auto label : dataset.labels) {
    if (label < 0 || static_cast<std::size_t>(label) >= classes) __builtin_trap();
  }
  dataset.validate();  // the dataset's own invariants: a throw here is a finding too
}

}  // namespace

// Seeds: one and two CIFAR-10 records, one CIFAR-100 record (labels in range).
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (!pinas::fuzz::writing_seeds()) return 0;
  std::string record(1 + 3 * 32 * 32, '\0');
  for (std::size_t i = 1; i < record.size(); ++i) record[i] = static_cast<char>(i * 7);
  record[0] = 3;
  pinas::fuzz::write_seed("fuzz_cifar_reader", "cifar10_one.bin", record);
  std::string second = record;
  second[0] = 9;
  pinas::fuzz::write_seed("fuzz_cifar_reader", "cifar10_two.bin", record + second);
  pinas::fuzz::write_seed("fuzz_cifar_reader", "cifar100_one.bin", std::string(1, '\x02') + record);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  {
    std::ofstream out(input_file(), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out) __builtin_trap();
  }
  const std::vector<std::string> ten = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
  std::vector<std::string> hundred;
  for (int i = 0; i < 100; ++i) hundred.push_back(std::to_string(i));
  try {
    check(pinas::train::data::read_cifar_files({input_file()}, 1, ten, "cifar10"), 10);
  } catch (const pinas::Error&) {
  }
  try {
    check(pinas::train::data::read_cifar_files({input_file()}, 2, hundred, "cifar100"), 100);
  } catch (const pinas::Error&) {
  }
  return 0;
}
