// Split, normalization, augmentation and the multi-threaded batch loader:
// determinism for a seed (whatever the thread count), correctness against a
// plain reference, and concurrent use by several loaders.
#include <gtest/gtest.h>

#include <chrono>
#include <algorithm>
#include <set>
#include <thread>

#include "train/data/batch_loader.h"
#include "train/data/dataset_error.h"
#include "train/data/idx_reader.h"
#include "train/data/split.h"

namespace pinas::train::data {
namespace {

// `count` images of channels × 8 × 8; image i starts with bytes (i mod 256, i / 256)
// so it can be recognised, then (i · 13 + byte) mod 256. Labels i mod 5.
std::shared_ptr<ImageDataset> synthetic(size_t count, int64_t channels = 3) {
  auto dataset = std::make_shared<ImageDataset>();
  dataset->name = "synthetic";
  dataset->channels = channels;
  dataset->height = 8;
  dataset->width = 8;
  dataset->class_names = {"a", "b", "c", "d", "e"};
  for (size_t i = 0; i < count; ++i) {
    for (size_t b = 0; b < dataset->image_bytes(); ++b) {
      dataset->pixels.push_back(static_cast<uint8_t>(b == 0   ? i % 256
                                                     : b == 1 ? i / 256
                                                              : (i * 13 + b) % 256));
    }
    dataset->labels.push_back(static_cast<int64_t>(i % 5));
  }
  return dataset;
}

size_t identity_of(std::span<const uint8_t> image) {
  return image[0] + 256 * image[1];
}

TEST(DataSplit, DeterministicDisjointAndComplete) {
  const auto dataset = synthetic(1000);
  const TrainValidationSplit split = split_train_validation(*dataset, 0.1, 42);
  const TrainValidationSplit again = split_train_validation(*dataset, 0.1, 42);
  const TrainValidationSplit other = split_train_validation(*dataset, 0.1, 43);
  ASSERT_EQ(split.train.size(), 900u);
  ASSERT_EQ(split.validation.size(), 100u);
  EXPECT_EQ(split.validation.pixels, again.validation.pixels);
  EXPECT_EQ(split.train.labels, again.train.labels);
  EXPECT_NE(split.validation.pixels, other.validation.pixels);
  std::set<size_t> seen;
  for (const ImageDataset* part : {&split.train, &split.validation}) {
    for (size_t i = 0; i < part->size(); ++i) {
      const size_t identity = identity_of(part->image(i));
      EXPECT_TRUE(seen.insert(identity).second) << identity;
      EXPECT_EQ(part->labels[i], static_cast<int64_t>(identity % 5));
    }
  }
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_EQ(split_train_validation(*dataset, 0.0, 1).validation.size(), 0u);
  EXPECT_THROW(split_train_validation(*dataset, 1.0, 1), DatasetError);
}

TEST(DataSplit, StratifiedSampleKeepsClassSharesWhateverTheOrder) {
  // 600 examples stored class by class (the layout of a folder dataset): 300 of
  // class 0, 200 of class 1, 100 of class 2.
  std::vector<int64_t> labels;
  for (int64_t label : {0, 1, 2}) labels.insert(labels.end(), static_cast<size_t>(300 - 100 * label), label);
  const std::vector<size_t> sample = stratified_sample(labels, 60, 9);
  ASSERT_EQ(sample.size(), 60u);
  EXPECT_TRUE(std::is_sorted(sample.begin(), sample.end()));
  EXPECT_EQ(std::set<size_t>(sample.begin(), sample.end()).size(), 60u);
  std::vector<int> per_class(3, 0);
  for (size_t index : sample) ++per_class[static_cast<size_t>(labels[index])];
  EXPECT_EQ(per_class, (std::vector<int>{30, 20, 10}));
  EXPECT_EQ(sample, stratified_sample(labels, 60, 9));
  EXPECT_NE(sample, stratified_sample(labels, 60, 10));
  // Not a prefix of each class: the sample is spread over the class's examples.
  EXPECT_GT(*std::max_element(sample.begin(), sample.begin() + 30), 150u);
  // Largest remainders: 7 of 600 at shares 1/2, 1/3, 1/6 -> 3.5, 2.33, 1.17 -> 4, 2, 1.
  per_class.assign(3, 0);
  for (size_t index : stratified_sample(labels, 7, 1)) ++per_class[static_cast<size_t>(labels[index])];
  EXPECT_EQ(per_class, (std::vector<int>{4, 2, 1}));
  EXPECT_EQ(stratified_sample(labels, 0, 5).size(), 600u);
  EXPECT_EQ(stratified_sample(labels, 601, 5).size(), 600u);
}

TEST(DataSplit, ValidationSplitIsStratified) {
  ImageDataset ordered;
  ordered.name = "ordered";
  ordered.channels = ordered.height = ordered.width = 1;
  ordered.class_names = {"a", "b"};
  for (int i = 0; i < 200; ++i) {
    ordered.labels.push_back(i < 100 ? 0 : 1);
    ordered.pixels.push_back(static_cast<uint8_t>(i));
  }
  const TrainValidationSplit split = split_train_validation(ordered, 0.1, 3);
  ASSERT_EQ(split.validation.size(), 20u);
  EXPECT_EQ(std::count(split.validation.labels.begin(), split.validation.labels.end(), 0), 10);
  EXPECT_EQ(std::count(split.train.labels.begin(), split.train.labels.end(), 0), 90);
}

TEST(DataNormalization, ComputedStatisticsAndAppliedValues) {
  ImageDataset dataset;
  dataset.name = "two";
  dataset.channels = 2;
  dataset.height = 1;
  dataset.width = 2;
  dataset.class_names = {"x"};
  // Channel 0: 0, 255, 255, 255 → mean 0.75, std √(0.75 · 0.25); channel 1 constant 51.
  dataset.pixels = {0, 255, 51, 51, 255, 255, 51, 51};
  dataset.labels = {0, 0};
  const Normalization normalization = compute_normalization(dataset);
  EXPECT_NEAR(normalization.mean[0], 0.75, 1e-6);
  EXPECT_NEAR(normalization.std[0], std::sqrt(0.75 * 0.25), 1e-6);
  EXPECT_NEAR(normalization.mean[1], 0.2, 1e-6);
  EXPECT_EQ(normalization.std[1], 1.0f);  // constant channel
  BatchLoaderOptions options;
  options.batch_size = 2;
  options.shuffle = false;
  options.normalization = normalization;
  BatchLoader loader(std::make_shared<ImageDataset>(dataset), options);
  loader.start_epoch(0);
  const Batch batch = *loader.next();
  ASSERT_EQ(batch.images.sizes(), (std::vector<int64_t>{2, 2, 1, 2}));
  const auto images = batch.images.accessor<float, 4>();
  for (int64_t n = 0; n < 2; ++n) {
    for (int64_t c = 0; c < 2; ++c) {
      for (int64_t x = 0; x < 2; ++x) {
        const float pixel = dataset.pixels[n * 4 + c * 2 + x];
        EXPECT_NEAR(images[n][c][0][x],
                    (pixel / 255.0f - normalization.mean[c]) / normalization.std[c], 1e-5);
      }
    }
  }
  EXPECT_FALSE(loader.next().has_value());
  // Real data: Fashion-MNIST normalized with its own statistics has mean 0, std 1.
  auto fashion =
      std::make_shared<ImageDataset>(read_fashion_mnist(kDebianFashionMnistDirectory, false));
  options.batch_size = 10000;
  options.normalization = compute_normalization(*fashion);
  BatchLoader fashion_loader(fashion, options);
  fashion_loader.start_epoch(0);
  const torch::Tensor all = fashion_loader.next()->images;
  EXPECT_NEAR(all.mean().item<double>(), 0.0, 1e-4);
  EXPECT_NEAR(all.std(/*unbiased=*/false).item<double>(), 1.0, 1e-4);
}

TEST(DataAugmentation, SeededCropFlipAndCutout) {
  const auto dataset = synthetic(300, 1);
  AugmentationOptions augmentation;
  augmentation.crop_padding = 2;
  augmentation.horizontal_flip = true;
  const ImageTransform transform(1, 8, 8, Normalization::identity(1), augmentation, 9);
  std::vector<float> first(64), second(64);
  int flipped = 0;
  int changed_across_epochs = 0;
  for (size_t i = 0; i < dataset->size(); ++i) {
    const auto image = dataset->image(i);
    transform.apply(image, 4, i, first.data());
    transform.apply(image, 4, i, second.data());
    EXPECT_EQ(first, second);
    transform.apply(image, 5, i, second.data());
    changed_across_epochs += first != second;
    // The output must be the image shifted by some (dy, dx) in [-2, 2], maybe mirrored,
    // with zero padding.
    bool explained = false;
    for (int flip = 0; flip < 2 && !explained; ++flip) {
      for (int dy = -2; dy <= 2 && !explained; ++dy) {
        for (int dx = -2; dx <= 2 && !explained; ++dx) {
          bool match = true;
          for (int y = 0; y < 8 && match; ++y) {
            for (int x = 0; x < 8 && match; ++x) {
              const int sy = y + dy;
              const int sx = (flip ? 7 - x : x) + dx;
              const float expected =
                  sy >= 0 && sy < 8 && sx >= 0 && sx < 8 ? image[sy * 8 + sx] / 255.0f : 0.0f;
              match = std::abs(first[y * 8 + x] - expected) < 1e-6f;
            }
          }
          if (match) {
            explained = true;
            flipped += flip;
          }
        }
      }
    }
    EXPECT_TRUE(explained) << "sample " << i;
  }
  EXPECT_GT(changed_across_epochs, 250);
  EXPECT_GT(flipped, 100);
  EXPECT_LT(flipped, 200);
  // Cutout on an all-white image: a square (clipped at the border) of zeros, up to 4×4.
  AugmentationOptions cutout;
  cutout.cutout_size = 4;
  const ImageTransform cutter(1, 8, 8, Normalization::identity(1), cutout, 1);
  const std::vector<uint8_t> white(64, 255);
  for (uint64_t index = 0; index < 50; ++index) {
    cutter.apply(white, 0, index, first.data());
    int zeros = 0, top = 8, bottom = -1, left = 8, right = -1;
    for (int y = 0; y < 8; ++y) {
      for (int x = 0; x < 8; ++x) {
        if (first[y * 8 + x] == 0.0f) {
          ++zeros;
          top = std::min(top, y), bottom = std::max(bottom, y);
          left = std::min(left, x), right = std::max(right, x);
        } else {
          EXPECT_EQ(first[y * 8 + x], 1.0f);
        }
      }
    }
    EXPECT_GE(zeros, 4);
    EXPECT_LE(zeros, 16);
    EXPECT_EQ(zeros, (bottom - top + 1) * (right - left + 1));
  }
}

// Every batch of `epochs` epochs, flattened: images, labels and indices.
std::vector<torch::Tensor> run_epochs(BatchLoader& loader, int epochs) {
  std::vector<torch::Tensor> tensors;
  for (int epoch = 0; epoch < epochs; ++epoch) {
    loader.start_epoch(static_cast<uint64_t>(epoch));
    while (std::optional<Batch> batch = loader.next()) {
      tensors.push_back(batch->images);
      tensors.push_back(batch->labels);
      tensors.push_back(batch->indices);
    }
  }
  return tensors;
}

bool same_tensors(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!a[i].sizes().equals(b[i].sizes()) || !torch::equal(a[i], b[i])) return false;
  }
  return true;
}

BatchLoaderOptions augmented_options(int threads, uint64_t seed) {
  BatchLoaderOptions options;
  options.batch_size = 16;
  options.seed = seed;
  options.threads = threads;
  options.prefetch_batches = 3;
  options.augmentation.crop_padding = 1;
  options.augmentation.horizontal_flip = true;
  options.augmentation.cutout_size = 3;
  options.normalization = Normalization{{0.5f, 0.4f, 0.3f}, {0.2f, 0.25f, 0.3f}};
  return options;
}

TEST(DataBatchLoader, SameBatchesForAnyThreadCount) {
  const auto dataset = synthetic(100);
  BatchLoader inline_loader(dataset, augmented_options(0, 11));
  const std::vector<torch::Tensor> reference = run_epochs(inline_loader, 2);
  ASSERT_EQ(reference.size(), 2u * 7u * 3u);  // 100 / 16 → 7 batches, the last of 4
  EXPECT_EQ(reference[18].size(0), 4);
  for (int threads : {1, 2, 3}) {
    BatchLoader loader(dataset, augmented_options(threads, 11));
    EXPECT_TRUE(same_tensors(run_epochs(loader, 2), reference)) << threads << " threads";
  }
  BatchLoader other_seed(dataset, augmented_options(2, 12));
  EXPECT_FALSE(same_tensors(run_epochs(other_seed, 2), reference));
  // Each epoch visits every sample once, labels match, and epochs are shuffled differently.
  std::vector<int64_t> first_epoch_order;
  for (int epoch = 0; epoch < 2; ++epoch) {
    std::vector<int64_t> order;
    for (int batch = 0; batch < 7; ++batch) {
      const torch::Tensor& indices = reference[epoch * 21 + batch * 3 + 2];
      const torch::Tensor& labels = reference[epoch * 21 + batch * 3 + 1];
      for (int64_t i = 0; i < indices.size(0); ++i) {
        order.push_back(indices[i].item<int64_t>());
        EXPECT_EQ(labels[i].item<int64_t>(), order.back() % 5);
      }
    }
    if (epoch == 0)
      first_epoch_order = order;
    else
      EXPECT_NE(order, first_epoch_order);
    std::sort(order.begin(), order.end());
    for (int64_t i = 0; i < 100; ++i) ASSERT_EQ(order[i], i);
  }
}

TEST(DataBatchLoader, DropLastUnshuffledAndRestart) {
  const auto dataset = synthetic(50);
  BatchLoaderOptions options;
  options.batch_size = 16;
  options.shuffle = false;
  options.drop_last = true;
  options.threads = 2;
  BatchLoader loader(dataset, options);
  EXPECT_EQ(loader.batches_per_epoch(), 3);
  EXPECT_FALSE(loader.next().has_value());  // before start_epoch
  loader.start_epoch(0);
  const Batch first = *loader.next();
  EXPECT_EQ(first.indices[0].item<int64_t>(), 0);
  EXPECT_EQ(first.indices[15].item<int64_t>(), 15);
  EXPECT_NEAR(first.images[3][0][0][2].item<float>(), ((3 * 13 + 2) % 256) / 255.0f, 1e-6);
  // Abandoning an epoch midway and starting again gives the same batches.
  loader.start_epoch(0);
  int count = 0;
  while (std::optional<Batch> batch = loader.next()) {
    EXPECT_EQ(batch->images.size(0), 16);
    EXPECT_EQ(batch->indices[0].item<int64_t>(), 16 * count);
    ++count;
  }
  EXPECT_EQ(count, 3);
  options.batch_size = 0;
  EXPECT_THROW(BatchLoader(dataset, options), DatasetError);
  options.batch_size = 4;
  options.normalization = Normalization{{0.5f}, {0.5f}};  // one channel for three
  EXPECT_THROW(BatchLoader(dataset, options), DatasetError);
}

TEST(DataBatchLoader, ConcurrentLoadersShareADataset) {
  const auto dataset = synthetic(200);
  std::vector<std::vector<torch::Tensor>> references;
  for (uint64_t seed = 0; seed < 4; ++seed) {
    BatchLoader loader(dataset, augmented_options(0, seed));
    references.push_back(run_epochs(loader, 2));
  }
  std::vector<std::vector<torch::Tensor>> results(4);
  std::vector<std::thread> trainers;
  for (uint64_t seed = 0; seed < 4; ++seed) {
    trainers.emplace_back([&, seed] {
      BatchLoader loader(dataset, augmented_options(1, seed));
      results[seed] = run_epochs(loader, 2);
    });
  }
  for (std::thread& trainer : trainers) trainer.join();
  for (size_t seed = 0; seed < 4; ++seed)
    EXPECT_TRUE(same_tensors(results[seed], references[seed])) << seed;
}

// Reports loader throughput (images/s with crop, flip, cutout and normalization);
// not a test of speed. Run with
//   test_train --gtest_also_run_disabled_tests --gtest_filter='*LoaderThroughput*'
TEST(DataBatchLoader, DISABLED_LoaderThroughput) {
  auto fashion =
      std::make_shared<ImageDataset>(read_fashion_mnist(kDebianFashionMnistDirectory, true));
  // CIFAR-shaped (3×32×32): the pixel values do not matter to the loader's speed.
  auto cifar_shaped = std::make_shared<ImageDataset>();
  cifar_shaped->name = "cifar-shaped";
  cifar_shaped->channels = 3;
  cifar_shaped->height = 32;
  cifar_shaped->width = 32;
  cifar_shaped->class_names = std::vector<std::string>(10, "class");
  for (size_t i = 0; i < 20000; ++i) cifar_shaped->labels.push_back(static_cast<int64_t>(i % 10));
  cifar_shaped->pixels.resize(20000 * 3072);
  for (size_t i = 0; i < cifar_shaped->pixels.size(); ++i) {
    cifar_shaped->pixels[i] = static_cast<uint8_t>((i * 2654435761u) >> 24);
  }
  for (const auto& dataset : {fashion, cifar_shaped}) {
    for (int threads : {0, 1, 2}) {
      BatchLoaderOptions options;
      options.batch_size = 128;
      options.threads = threads;
      options.augmentation.crop_padding = 4;
      options.augmentation.horizontal_flip = true;
      options.augmentation.cutout_size = 8;
      options.normalization = compute_normalization(*dataset);
      BatchLoader loader(dataset, options);
      const auto start = std::chrono::steady_clock::now();
      loader.start_epoch(0);
      int64_t images = 0;
      while (std::optional<Batch> batch = loader.next()) images += batch->images.size(0);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::printf("%s %ldx%ldx%ld, %d loader thread(s): %.0f images/s (%ld images, %.2f s)\n",
                  dataset->name.c_str(), static_cast<long>(dataset->channels),
                  static_cast<long>(dataset->height), static_cast<long>(dataset->width), threads,
                  static_cast<double>(images) / seconds, static_cast<long>(images), seconds);
    }
  }
}

}  // namespace
}  // namespace pinas::train::data
