// Dataset readers: Fashion-MNIST from Debian's package (real data, known
// answers), IDX and CIFAR binary files written here in the official formats,
// data specs, and the errors corrupt files must raise.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <numeric>

#include "train/data/cifar_reader.h"
#include "train/data/data_spec.h"
#include "train/data/dataset_error.h"
#include "train/data/idx_reader.h"
#include "train/data/normalization.h"
#include "train/data/split.h"

namespace pinas::train::data {
namespace {

namespace fs = std::filesystem;

// A fresh folder under the system temporary directory, removed afterwards.
class TemporaryFolder {
 public:
  TemporaryFolder() {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() /
            ("pinas-data-" + std::to_string(::getpid()) + "-" + test->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TemporaryFolder() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void write_bytes(const fs::path& path, const std::vector<uint8_t>& bytes) {
  std::ofstream stream(path, std::ios::binary);
  stream.write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
}

std::vector<uint8_t> read_bytes(const fs::path& path) {
  std::ifstream stream(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
}

void write_gzip(const fs::path& path, const std::vector<uint8_t>& bytes) {
  gzFile file = gzopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr);
  ASSERT_EQ(gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size())),
            static_cast<int>(bytes.size()));
  gzclose(file);
}

void append_big_endian(std::vector<uint8_t>& bytes, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8)
    bytes.push_back(static_cast<uint8_t>(value >> shift));
}

// Expects `action` to throw a DatasetError whose message contains `needle`.
template <typename Action>
void expect_dataset_error(Action action, const std::string& needle) {
  try {
    action();
    ADD_FAILURE() << "no DatasetError; expected one mentioning " << needle;
  } catch (const DatasetError& error) {
    EXPECT_NE(std::string(error.what()).find(needle), std::string::npos) << error.what();
  }
}

// The Debian Fashion-MNIST training set, read once for all tests of this file.
const ImageDataset& fashion_train() {
  static const ImageDataset train = read_fashion_mnist(kDebianFashionMnistDirectory, true);
  return train;
}

TEST(DataFashionMnist, DebianPackageHasKnownShapeLabelsAndPixels) {
  const ImageDataset& train = fashion_train();
  const ImageDataset test = read_fashion_mnist(kDebianFashionMnistDirectory, false);
  ASSERT_EQ(train.size(), 60000u);
  ASSERT_EQ(test.size(), 10000u);
  EXPECT_EQ(train.channels, 1);
  EXPECT_EQ(train.height, 28);
  EXPECT_EQ(train.width, 28);
  EXPECT_NO_THROW(train.validate());
  EXPECT_EQ(train.labels[0], 9);
  EXPECT_EQ(train.class_names[train.labels[0]], "Ankle boot");
  EXPECT_EQ(test.labels[0], 9);
  EXPECT_EQ(test.labels[1], 2);
  std::vector<int> per_class(10, 0);
  for (int64_t label : train.labels) {
    ASSERT_GE(label, 0);
    ASSERT_LT(label, 10);
    ++per_class[label];
  }
  for (int count : per_class) EXPECT_EQ(count, 6000);
  // Pixel sums of the whole sets and of the first image, and one row of it.
  EXPECT_EQ(std::accumulate(train.pixels.begin(), train.pixels.end(), uint64_t{0}), 3431114169u);
  EXPECT_EQ(std::accumulate(test.pixels.begin(), test.pixels.end(), uint64_t{0}), 573469082u);
  const auto first = train.image(0);
  EXPECT_EQ(std::accumulate(first.begin(), first.end(), 0), 76247);
  const std::vector<uint8_t> row14 = {0,   0,   1,   4,   6,   7,   2,   0,   0,   0,
                                      0,   0,   237, 226, 217, 223, 222, 219, 222, 221,
                                      216, 223, 229, 215, 218, 255, 77,  0};
  EXPECT_EQ(std::vector<uint8_t>(first.begin() + 14 * 28, first.begin() + 15 * 28), row14);
  const Normalization normalization = compute_normalization(train);
  EXPECT_NEAR(normalization.mean[0], 0.2860406, 1e-6);
  EXPECT_NEAR(normalization.std[0], 0.3530242, 1e-6);
  const Normalization standard = *standard_normalization("fashion-mnist");
  EXPECT_NEAR(standard.mean[0], normalization.mean[0], 1e-4);
  EXPECT_NEAR(standard.std[0], normalization.std[0], 1e-4);
}

TEST(DataFashionMnist, DataSpecLoadsSubsets) {
  LoadOptions options;
  options.subset.train_count = 1000;
  options.subset.test_count = 200;
  const LoadedData first = load_data("fashion-mnist", options);
  EXPECT_EQ(first.info.name, "fashion-mnist");
  EXPECT_EQ(first.info.channels, 1);
  EXPECT_EQ(first.info.height, 28);
  EXPECT_EQ(first.info.class_count(), 10u);
  ASSERT_EQ(first.train.size(), 1000u);
  ASSERT_EQ(first.test.size(), 200u);
  // Fashion-MNIST is balanced: a stratified subset has 100 of each class.
  std::vector<int> per_class(10, 0);
  for (int64_t label : first.train.labels) ++per_class[static_cast<size_t>(label)];
  EXPECT_EQ(per_class, std::vector<int>(10, 100));
  options.subset.seed = 7;
  const LoadedData other =
      load_data("fashion-mnist:" + kDebianFashionMnistDirectory.string(), options);
  ASSERT_EQ(other.train.size(), 1000u);
  ASSERT_EQ(other.test.size(), 200u);
  EXPECT_NE(other.train.pixels, first.train.pixels);
  // The seeded subset is exactly the images at stratified_sample(labels, 1000, 7).
  const ImageDataset& full = fashion_train();
  const std::vector<size_t> chosen = stratified_sample(full.labels, 1000, 7);
  for (size_t i : {size_t{0}, size_t{500}, size_t{999}}) {
    EXPECT_TRUE(std::ranges::equal(other.train.image(i), full.image(chosen[i])));
    EXPECT_EQ(other.train.labels[i], full.labels[chosen[i]]);
  }
}

TEST(DataIdx, RawAndGzipRoundTripAndErrors) {
  TemporaryFolder folder;
  std::vector<uint8_t> images;
  append_big_endian(images, 0x00000803);
  for (uint32_t dimension : {3u, 2u, 4u}) append_big_endian(images, dimension);
  for (int i = 0; i < 3 * 2 * 4; ++i) images.push_back(static_cast<uint8_t>(i * 10));
  std::vector<uint8_t> labels;
  append_big_endian(labels, 0x00000801);
  append_big_endian(labels, 3);
  for (uint8_t label : {2, 0, 1}) labels.push_back(label);
  write_bytes(folder.path() / "images", images);
  write_bytes(folder.path() / "labels", labels);
  write_gzip(folder.path() / "images.gz", images);
  const std::vector<std::string> names = {"a", "b", "c"};
  for (const char* image_file : {"images", "images.gz"}) {
    const ImageDataset dataset =
        read_idx_dataset(folder.path() / image_file, folder.path() / "labels", names, "tiny");
    ASSERT_EQ(dataset.size(), 3u);
    EXPECT_EQ(dataset.height, 2);
    EXPECT_EQ(dataset.width, 4);
    EXPECT_EQ(dataset.labels, (std::vector<int64_t>{2, 0, 1}));
    EXPECT_EQ(dataset.image(1)[0], 80);
    EXPECT_EQ(dataset.image(2)[7], 230);
  }
  // Bad magic (labels passed as images), wrong size, truncated gzip, missing file.
  expect_dataset_error(
      [&] { read_idx_dataset(folder.path() / "labels", folder.path() / "labels", names, "x"); },
      (folder.path() / "labels").string() + ": bad magic 0x00000801");
  std::vector<uint8_t> short_images(images.begin(), images.end() - 1);
  write_bytes(folder.path() / "short", short_images);
  expect_dataset_error(
      [&] { read_idx_dataset(folder.path() / "short", folder.path() / "labels", names, "x"); },
      (folder.path() / "short").string() + ": 39 bytes, expected 40");
  std::vector<uint8_t> gzipped = read_bytes(folder.path() / "images.gz");
  gzipped.resize(gzipped.size() - 12);
  write_bytes(folder.path() / "cut.gz", gzipped);
  expect_dataset_error(
      [&] { read_idx_dataset(folder.path() / "cut.gz", folder.path() / "labels", names, "x"); },
      (folder.path() / "cut.gz").string() + ": truncated gzip");
  expect_dataset_error([&] { read_fashion_mnist(folder.path(), true); },
                       (folder.path() / "train-images-idx3-ubyte.gz").string());
  // A label out of range names the label file.
  expect_dataset_error(
      [&] {
        read_idx_dataset(folder.path() / "images", folder.path() / "labels", {"a", "b"}, "x");
      },
      (folder.path() / "labels").string() + ": label 2");
}

// CIFAR records with pixel value (record · 7 + byte) mod 256, label record mod 10.
std::vector<uint8_t> cifar_records(int count, int label_bytes, int first) {
  std::vector<uint8_t> bytes;
  for (int r = first; r < first + count; ++r) {
    if (label_bytes == 2) bytes.push_back(static_cast<uint8_t>(r % 20));  // coarse
    bytes.push_back(static_cast<uint8_t>(label_bytes == 2 ? (r * 3) % 100 : r % 10));
    for (int b = 0; b < 3072; ++b) bytes.push_back(static_cast<uint8_t>((r * 7 + b) % 256));
  }
  return bytes;
}

TEST(DataCifar, Cifar10BinaryRoundTrip) {
  TemporaryFolder folder;
  const fs::path bin = folder.path() / "cifar-10-batches-bin";
  fs::create_directories(bin);
  for (int batch = 1; batch <= 5; ++batch) {
    write_bytes(bin / ("data_batch_" + std::to_string(batch) + ".bin"),
                cifar_records(3, 1, (batch - 1) * 3));
  }
  write_bytes(bin / "test_batch.bin", cifar_records(4, 1, 100));
  const LoadedData data = load_data("cifar10:" + folder.path().string());
  EXPECT_EQ(data.info.name, "cifar10");
  EXPECT_EQ(data.info.channels, 3);
  EXPECT_EQ(data.info.height, 32);
  EXPECT_EQ(data.info.width, 32);
  EXPECT_EQ(data.info.class_names[0], "airplane");
  EXPECT_EQ(data.info.class_names[9], "truck");
  ASSERT_EQ(data.train.size(), 15u);
  ASSERT_EQ(data.test.size(), 4u);
  for (size_t r = 0; r < 15; ++r) {
    EXPECT_EQ(data.train.labels[r], static_cast<int64_t>(r % 10));
    // Planar: byte 1024 is the first green pixel, byte 3071 the last blue one.
    EXPECT_EQ(data.train.image(r)[0], (r * 7) % 256);
    EXPECT_EQ(data.train.image(r)[1024], (r * 7 + 1024) % 256);
    EXPECT_EQ(data.train.image(r)[3071], (r * 7 + 3071) % 256);
  }
  EXPECT_EQ(data.test.labels[3], 103 % 10);
  // Class names from batches.meta.txt when present.
  std::ofstream(bin / "batches.meta.txt") << "c0\nc1\nc2\nc3\nc4\nc5\nc6\nc7\nc8\nc9\n\n";
  EXPECT_EQ(read_cifar10(bin, false).class_names[3], "c3");
}

TEST(DataCifar, Cifar100UsesFineLabelsAndNames) {
  TemporaryFolder folder;
  write_bytes(folder.path() / "train.bin", cifar_records(5, 2, 0));
  write_bytes(folder.path() / "test.bin", cifar_records(2, 2, 40));
  std::ofstream names(folder.path() / "fine_label_names.txt");
  for (int i = 0; i < 100; ++i) names << "fine" << i << "\n";
  names.close();
  const LoadedData data = load_data("cifar100:" + folder.path().string());
  ASSERT_EQ(data.train.size(), 5u);
  EXPECT_EQ(data.info.class_count(), 100u);
  EXPECT_EQ(data.info.class_names[42], "fine42");
  EXPECT_EQ(data.train.labels, (std::vector<int64_t>{0, 3, 6, 9, 12}));
  EXPECT_EQ(data.test.labels, (std::vector<int64_t>{20, 23}));
  EXPECT_EQ(data.test.image(1)[5], (41 * 7 + 5) % 256);
}

TEST(DataCifar, WrongSizeOrMissingFileNamesTheFile) {
  TemporaryFolder folder;
  std::vector<uint8_t> bytes = cifar_records(2, 1, 0);
  bytes.pop_back();
  write_bytes(folder.path() / "test_batch.bin", bytes);
  expect_dataset_error([&] { read_cifar10(folder.path(), false); },
                       (folder.path() / "test_batch.bin").string() + ": 6145 bytes");
  expect_dataset_error([&] { read_cifar10(folder.path(), true); },
                       (folder.path() / "data_batch_1.bin").string() + ": not found");
  write_bytes(folder.path() / "train.bin", cifar_records(2, 1, 0));  // CIFAR-10 records
  expect_dataset_error([&] { read_cifar100(folder.path(), true); },
                       (folder.path() / "train.bin").string() + ": 6146 bytes");
  std::vector<uint8_t> bad_label = cifar_records(1, 1, 0);
  bad_label[0] = 10;
  write_bytes(folder.path() / "bad.bin", bad_label);
  expect_dataset_error(
      [&] {
        read_cifar_files({folder.path() / "bad.bin"}, 1, std::vector<std::string>(10, "x"), "bad");
      },
      (folder.path() / "bad.bin").string() + ": label 10");
}

TEST(DataSpecParser, KindsDirectoriesAndErrors) {
  EXPECT_EQ(parse_data_spec("fashion-mnist").kind, DatasetKind::kFashionMnist);
  EXPECT_EQ(parse_data_spec("fashion-mnist").directory, kDebianFashionMnistDirectory);
  EXPECT_EQ(parse_data_spec("cifar10:/data/c10").directory, fs::path("/data/c10"));
  EXPECT_EQ(parse_data_spec("cifar100:x").kind, DatasetKind::kCifar100);
  const DataSpec folder = parse_data_spec("folder:/a:b");
  EXPECT_EQ(folder.kind, DatasetKind::kFolder);
  EXPECT_EQ(folder.directory, fs::path("/a:b"));
  expect_dataset_error([] { parse_data_spec("mnist:/x"); }, "data spec 'mnist:/x'");
  expect_dataset_error([] { parse_data_spec("cifar10"); }, "missing directory");
  expect_dataset_error([] { parse_data_spec("folder:"); }, "missing directory");
  expect_dataset_error([] { load_data("folder:/nonexistent/pinas"); }, "/nonexistent/pinas");
}

}  // namespace
}  // namespace pinas::train::data
