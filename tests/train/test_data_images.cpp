// Image files and image folders: JPEG/PNG round trips with known pixels, a real
// subset of the shared CIFAR-10 JPEG tarball, the Tiny-ImageNet layout, and
// broken files.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numeric>

#include "train/data/data_spec.h"
#include "train/data/dataset_error.h"
#include "train/data/image_file.h"
#include "train/data/image_folder_reader.h"
#include "train/training_data.h"

namespace pinas::train::data {
namespace {

namespace fs = std::filesystem;

class TemporaryFolder {
 public:
  TemporaryFolder() {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() /
            ("pinas-images-" + std::to_string(::getpid()) + "-" + test->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TemporaryFolder() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

template <typename Action>
void expect_dataset_error(Action action, const std::string& needle) {
  try {
    action();
    ADD_FAILURE() << "no DatasetError; expected one mentioning " << needle;
  } catch (const DatasetError& error) {
    EXPECT_NE(std::string(error.what()).find(needle), std::string::npos) << error.what();
  }
}

// A smooth test pattern (JPEG keeps smooth images nearly intact), shifted by `seed`.
Image pattern(int64_t channels, int64_t height, int64_t width, int seed) {
  Image image{channels, height, width, {}};
  for (int64_t c = 0; c < channels; ++c) {
    for (int64_t y = 0; y < height; ++y) {
      for (int64_t x = 0; x < width; ++x) {
        image.pixels.push_back(static_cast<uint8_t>(40 + 3 * x + 2 * y + 50 * c + seed));
      }
    }
  }
  return image;
}

// prefix + i + extension, built by appending (GCC 12 warns falsely on "literal" + std::string).
std::string numbered(const std::string& prefix, int i, const std::string& extension) {
  std::string name = prefix;
  name += std::to_string(i);
  name += extension;
  return name;
}

int max_difference(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  int worst = 0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(int{a[i]} - int{b[i]}));
  return worst;
}

TEST(DataImageFile, PngIsExactAndJpegClose) {
  TemporaryFolder folder;
  for (int64_t channels : {1, 3}) {
    const Image source = pattern(channels, 20, 24, 5);
    write_image_file(folder.path() / "image.png", source);
    const Image png = read_image_file(folder.path() / "image.png");
    EXPECT_EQ(png.channels, channels);
    EXPECT_EQ(png.height, 20);
    EXPECT_EQ(png.width, 24);
    EXPECT_EQ(png.pixels, source.pixels);
    write_image_file(folder.path() / "image.jpg", source, 95);
    const Image jpeg = read_image_file(folder.path() / "image.jpg");
    ASSERT_EQ(jpeg.pixels.size(), source.pixels.size());
    EXPECT_EQ(jpeg.channels, channels);
    EXPECT_LE(max_difference(jpeg.pixels, source.pixels), 12);
  }
}

TEST(DataImageFile, ChannelConversionAndResize) {
  TemporaryFolder folder;
  Image gray{1, 2, 2, {0, 100, 200, 255}};
  write_image_file(folder.path() / "gray.png", gray);
  const Image rgb = read_image_file(folder.path() / "gray.png", 3);
  EXPECT_EQ(rgb.pixels,
            (std::vector<uint8_t>{0, 100, 200, 255, 0, 100, 200, 255, 0, 100, 200, 255}));
  // Pure red, green, blue and white pixels → BT.601 luma 76, 150, 29, 255.
  Image colour{3, 1, 4, {255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255}};
  write_image_file(folder.path() / "colour.png", colour);
  EXPECT_EQ(read_image_file(folder.path() / "colour.png", 1).pixels,
            (std::vector<uint8_t>{76, 150, 29, 255}));
  // Bilinear: 2×2 → 4×4 with half-pixel centres; corners keep their values.
  const Image big = resize_image(gray, 4, 4);
  EXPECT_EQ(big.pixels[0], 0);
  EXPECT_EQ(big.pixels[1], 25);
  EXPECT_EQ(big.pixels[3], 100);
  EXPECT_EQ(big.pixels[15], 255);
  const Image small = resize_image(pattern(1, 8, 8, 0), 4, 4);
  EXPECT_EQ(small.pixels[0], 43);  // mean of the top-left 2×2 block {40, 43, 42, 45}, rounded
}

TEST(DataImageFile, BrokenFilesNameTheFile) {
  TemporaryFolder folder;
  write_image_file(folder.path() / "good.jpg", pattern(3, 32, 32, 0), 90);
  std::ifstream in(folder.path() / "good.jpg", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const fs::path truncated = folder.path() / "truncated.jpg";
  std::ofstream(truncated, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  expect_dataset_error([&] { read_image_file(truncated); }, "JPEG file " + truncated.string());
  const fs::path header_only = folder.path() / "header.jpg";
  std::ofstream(header_only, std::ios::binary) << bytes.substr(0, 20);
  expect_dataset_error([&] { read_image_file(header_only); }, "JPEG file " + header_only.string());
  const fs::path text = folder.path() / "text.jpg";
  std::ofstream(text) << "not an image";
  expect_dataset_error([&] { read_image_file(text); }, text.string() + ": neither JPEG nor PNG");
  write_image_file(folder.path() / "good.png", pattern(3, 32, 32, 0));
  std::ifstream png_in(folder.path() / "good.png", std::ios::binary);
  std::string png((std::istreambuf_iterator<char>(png_in)), std::istreambuf_iterator<char>());
  const fs::path cut_png = folder.path() / "cut.png";
  std::ofstream(cut_png, std::ios::binary) << png.substr(0, png.size() - 30);
  expect_dataset_error([&] { read_image_file(cut_png); }, "PNG file " + cut_png.string());
  expect_dataset_error([&] { read_image_file(folder.path() / "absent.png"); },
                       (folder.path() / "absent.png").string() + ": not found");
  // A valid PNG header claiming 100000×100000 pixels is refused before allocating.
  auto chunk = [](const std::string& type, const std::string& data) {
    std::string bytes;
    for (int shift = 24; shift >= 0; shift -= 8)
      bytes += static_cast<char>((data.size() >> shift) & 0xff);
    bytes += type + data;
    const uLong crc = crc32(0, reinterpret_cast<const Bytef*>(bytes.data() + 4),
                            static_cast<uInt>(bytes.size() - 4));
    for (int shift = 24; shift >= 0; shift -= 8) bytes += static_cast<char>((crc >> shift) & 0xff);
    return bytes;
  };
  const std::string huge =
      std::string("\x89PNG\r\n\x1a\n", 8) +
      chunk("IHDR", std::string("\0\x01\x86\xa0\0\x01\x86\xa0\x08\x02\0\0\0", 13)) +
      chunk("IDAT", "") + chunk("IEND", "");
  const fs::path huge_png = folder.path() / "huge.png";
  std::ofstream(huge_png, std::ios::binary) << huge;
  expect_dataset_error([&] { read_image_file(huge_png); },
                       huge_png.string() + ": 100000x100000 pixels is too large");
  // A JPEG whose frame header announces 9000x9000 pixels (243 MB decoded, under
  // the cap) but whose data stops after a few rows is corrupt data, found after
  // decoding those rows rather than after allocating the whole image; one that
  // announces 20000x20000 (1.2 GB) is refused before decoding.
  std::ifstream jpeg_in(folder.path() / "good.jpg", std::ios::binary);
  std::string jpeg((std::istreambuf_iterator<char>(jpeg_in)), std::istreambuf_iterator<char>());
  const std::size_t frame = jpeg.find("\xff\xc0");
  ASSERT_NE(frame, std::string::npos);
  auto with_size = [&](int side) {
    std::string bytes = jpeg;
    for (std::size_t at : {frame + 5, frame + 7}) {
      bytes[at] = static_cast<char>(side >> 8);
      bytes[at + 1] = static_cast<char>(side & 0xff);
    }
    return bytes;
  };
  const fs::path tall_jpg = folder.path() / "tall.jpg";
  std::ofstream(tall_jpg, std::ios::binary) << with_size(9000);
  expect_dataset_error([&] { read_image_file(tall_jpg); },
                       "JPEG file " + tall_jpg.string() + ": corrupt data");
  const fs::path huge_jpg = folder.path() / "huge.jpg";
  std::ofstream(huge_jpg, std::ios::binary) << with_size(20000);
  expect_dataset_error([&] { read_image_file(huge_jpg); },
                       huge_jpg.string() + ": cannot decode (20000x20000 pixels is too large)");
  // A broken file inside a folder fails the whole read, naming it.
  fs::create_directories(folder.path() / "set" / "a");
  fs::copy_file(folder.path() / "good.jpg", folder.path() / "set" / "a" / "1.jpg");
  fs::copy_file(truncated, folder.path() / "set" / "a" / "2.jpg");
  expect_dataset_error([&] { read_image_folder(folder.path() / "set"); },
                       (folder.path() / "set" / "a" / "2.jpg").string());
}

TEST(DataImageFolder, SharedCifar10JpegSubset) {
  const fs::path tarball =
      fs::path(PINAS_SOURCE_DIR) / ".." / "shared" / "data" / "cifar10-jpeg-q75.tar.gz";
  if (!fs::exists(tarball)) GTEST_SKIP() << "no " << tarball;
  TemporaryFolder folder;
  const std::string command = "tar -xzf '" + tarball.string() + "' -C '" + folder.path().string() +
                              "' --wildcards 'cifar10-jpeg-q75/train/*/000[0-4].jpg' "
                              "'cifar10-jpeg-q75/test/*/000[01].jpg'";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  const LoadedData data = load_data("folder:" + (folder.path() / "cifar10-jpeg-q75").string());
  EXPECT_EQ(data.info.channels, 3);
  EXPECT_EQ(data.info.height, 32);
  EXPECT_EQ(data.info.width, 32);
  const std::vector<std::string> classes = {"airplane", "automobile", "bird",  "cat",  "deer",
                                            "dog",      "frog",       "horse", "ship", "truck"};
  EXPECT_EQ(data.info.class_names, classes);
  ASSERT_EQ(data.train.size(), 50u);
  ASSERT_EQ(data.test.size(), 20u);
  for (size_t i = 0; i < 50; ++i) EXPECT_EQ(data.train.labels[i], static_cast<int64_t>(i / 5));
  for (size_t i = 0; i < 20; ++i) EXPECT_EQ(data.test.labels[i], static_cast<int64_t>(i / 2));
  // Image 7 is train/automobile/0002.jpg; the dataset holds exactly its decoded pixels.
  const Image direct =
      read_image_file(folder.path() / "cifar10-jpeg-q75/train/automobile/0002.jpg");
  const auto stored = data.train.image(7);
  EXPECT_TRUE(std::equal(stored.begin(), stored.end(), direct.pixels.begin()));
  // Natural photos: the mean pixel is near CIFAR-10's (0.47) and images vary.
  const double mean = std::accumulate(data.train.pixels.begin(), data.train.pixels.end(), 0.0) /
                      static_cast<double>(data.train.pixels.size()) / 255.0;
  EXPECT_NEAR(mean, 0.47, 0.08);
  EXPECT_NE(data.train.image(0)[0], data.train.image(0)[500]);
}

// A class-ordered folder dataset (every class folder read in turn, as CIFAR-10
// JPEG, ImageFolder and Tiny-ImageNet are): the train, validation and test
// subsets must each hold every class in its share, not the first class only.
TEST(DataImageFolder, SubsetsOfAClassOrderedFolderAreClassBalanced) {
  TemporaryFolder folder;
  const fs::path root = folder.path() / "ordered";
  const std::vector<std::string> classes = {"a", "b", "c", "d"};
  for (const std::string& name : classes) {
    fs::create_directories(root / "train" / name);
    fs::create_directories(root / "test" / name);
    for (int i = 0; i < 50; ++i) {
      write_image_file(root / "train" / name / numbered(name, i, ".png"), pattern(1, 4, 4, i));
    }
    for (int i = 0; i < 10; ++i) {
      write_image_file(root / "test" / name / numbered(name, i, ".png"), pattern(1, 4, 4, i));
    }
  }
  auto counts = [](const ImageDataset& dataset) {
    std::vector<int> per_class(4, 0);
    for (int64_t label : dataset.labels) ++per_class[static_cast<size_t>(label)];
    return per_class;
  };
  TrainingDataRequest request;
  request.spec = "folder:" + root.string();
  request.validation_fraction = 0.2;  // 40 of 200: 10 per class
  request.train_subset = 40;          // of the remaining 160: 10 per class
  request.test_subset = 8;            // of 40: 2 per class
  request.split_seed = 5;
  const auto data = load_training_data(request);
  ASSERT_EQ(data->train->size(), 40u);
  ASSERT_EQ(data->validation->size(), 40u);
  ASSERT_EQ(data->test->size(), 8u);
  EXPECT_EQ(counts(*data->train), std::vector<int>(4, 10));
  EXPECT_EQ(counts(*data->validation), std::vector<int>(4, 10));
  EXPECT_EQ(counts(*data->test), std::vector<int>(4, 2));
  // The same cut through load_data's subset options.
  LoadOptions options;
  options.subset.train_count = 20;
  options.subset.test_count = 4;
  const LoadedData loaded = load_data("folder:" + root.string(), options);
  EXPECT_EQ(counts(loaded.train), std::vector<int>(4, 5));
  EXPECT_EQ(counts(loaded.test), std::vector<int>(4, 1));
}

TEST(DataImageFolder, WrittenFolderWithResizeGrayAndSplit) {
  TemporaryFolder folder;
  const fs::path root = folder.path() / "mine";
  fs::create_directories(root / "zebra");
  fs::create_directories(root / "ant");
  for (int i = 0; i < 6; ++i) {
    write_image_file(root / "zebra" / numbered("z", i, ".png"), pattern(3, 16, 16, i));
    write_image_file(root / "ant" / numbered("a", i, ".PNG"), pattern(3, 16, 16, 100 + i));
  }
  write_image_file(root / "ant" / "odd.jpg", pattern(1, 20, 12, 0));
  std::ofstream(root / "ant" / "notes.txt") << "ignored";
  // Different sizes without a resize size: an error naming the odd file.
  expect_dataset_error([&] { read_image_folder(root); }, (root / "ant" / "odd.jpg").string());
  fs::remove(root / "ant" / "odd.jpg");
  LoadOptions options;
  options.folder_test_fraction = 0.25;
  options.folder_split_seed = 3;
  const LoadedData data = load_data("folder:" + root.string(), options);
  EXPECT_EQ(data.info.class_names, (std::vector<std::string>{"ant", "zebra"}));
  EXPECT_EQ(data.train.size(), 9u);
  EXPECT_EQ(data.test.size(), 3u);
  EXPECT_EQ(load_data("folder:" + root.string(), options).test.pixels, data.test.pixels);
  ImageFolderOptions resize;
  resize.height = 8;
  resize.width = 8;
  resize.channels = 1;
  resize.decode_threads = 2;
  const ImageDataset small = read_image_folder(root, resize);
  ASSERT_EQ(small.size(), 12u);
  EXPECT_EQ(small.channels, 1);
  EXPECT_EQ(small.height, 8);
  EXPECT_EQ(small.labels[0], 0);   // ant/a0.PNG
  EXPECT_EQ(small.labels[11], 1);  // zebra/z5.png
  // zebra/z0 is (40, 90, 140) + 3x + 2y → luma 80.75 + 3x + 2y; the 2× downscale
  // averages the top-left 2×2 block: 83.5 (± rounding).
  EXPECT_NEAR(small.image(6)[0], 83.5, 1.0);
}

TEST(DataImageFolder, TinyImageNetLayout) {
  TemporaryFolder folder;
  const fs::path root = folder.path() / "tiny";
  const std::vector<std::string> wnids = {"n01443537", "n01629819", "n01641577"};
  for (size_t c = 0; c < wnids.size(); ++c) {
    fs::create_directories(root / "train" / wnids[c] / "images");
    std::ofstream(root / "train" / wnids[c] / (wnids[c] + "_boxes.txt")) << "ignored\n";
    for (int i = 0; i < 2; ++i) {
      write_image_file(root / "train" / wnids[c] / "images" / numbered(wnids[c] + "_", i, ".JPEG"),
                       pattern(3, 8, 8, static_cast<int>(c) * 30 + i), 95);
    }
  }
  fs::create_directories(root / "val" / "images");
  std::ofstream annotations(root / "val" / "val_annotations.txt");
  for (int i = 0; i < 4; ++i) {
    const size_t c = static_cast<size_t>(2 - i % 3);
    write_image_file(root / "val" / "images" / numbered("val_", i, ".JPEG"),
                     pattern(3, 8, 8, static_cast<int>(c) * 30), 95);
    annotations << "val_" << i << ".JPEG\t" << wnids[c] << "\t0\t0\t7\t7\n";
  }
  annotations.close();
  fs::create_directories(root / "test" / "images");  // unlabelled in Tiny-ImageNet: not used
  const LoadedData data = load_data("folder:" + root.string());
  EXPECT_EQ(data.info.class_names, wnids);
  ASSERT_EQ(data.train.size(), 6u);
  EXPECT_EQ(data.train.labels, (std::vector<int64_t>{0, 0, 1, 1, 2, 2}));
  ASSERT_EQ(data.test.size(), 4u);
  EXPECT_EQ(data.test.labels, (std::vector<int64_t>{2, 1, 0, 2}));
  const Image source = pattern(3, 8, 8, 60);
  EXPECT_LE(
      max_difference(std::vector<uint8_t>(data.test.image(0).begin(), data.test.image(0).end()),
                     source.pixels),
      12);
  std::ofstream(root / "val" / "val_annotations.txt", std::ios::app)
      << "val_9.JPEG\tn99999999\t0\t0\t1\t1\n";
  expect_dataset_error(
      [&] { load_data("folder:" + root.string()); },
      (root / "val" / "val_annotations.txt").string() + ": line 5: unknown class n99999999");
}

}  // namespace
}  // namespace pinas::train::data
