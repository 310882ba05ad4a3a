#pragma once

// The LibTorch side of the data module: everything else in train/data is
// LibTorch-free.

#include <torch/torch.h>

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "train/data/augmentation.h"
#include "train/data/image_dataset.h"
#include "train/data/normalization.h"

namespace pinas::train::data {

struct BatchLoaderOptions {
  int64_t batch_size = 128;
  bool shuffle = true;     // a seeded permutation per epoch (from seed and epoch)
  bool drop_last = false;  // drop a final batch smaller than batch_size
  uint64_t seed = 0;       // drives shuffling and augmentation
  // Background threads preparing batches. 0 prepares each batch on the calling
  // thread inside next(). Results do not depend on this number.
  int threads = 1;
  int prefetch_batches = 4;          // at most this many batches ready or in preparation
  AugmentationOptions augmentation;  // off for evaluation
  // Empty (no channels): identity, i.e. pixels / 255.
  Normalization normalization;
};

// One batch: images float32 N×C×H×W (normalized, augmented), labels int64 N,
// indices int64 N (the dataset index of each image).
struct Batch {
  torch::Tensor images;
  torch::Tensor labels;
  torch::Tensor indices;
  int64_t batch_index = 0;  // position within the epoch
};

// Produces the batches of a dataset epoch by epoch, preparing the next ones on
// background threads (a bounded prefetch window) while the model trains.
// Batch k of epoch e depends only on (dataset, options minus threads and
// prefetch, e, k): the same for any thread count.
// Thread-safety: one consumer thread per loader; any number of loaders (for
// example one per concurrently trained candidate) may share one dataset, which
// must stay unmodified while they live.
class BatchLoader {
 public:
  // Throws DatasetError on an empty or invalid dataset, batch_size < 1,
  // threads < 0, prefetch_batches < 1 or a normalization of the wrong size.
  BatchLoader(std::shared_ptr<const ImageDataset> dataset, BatchLoaderOptions options);
  ~BatchLoader();
  BatchLoader(const BatchLoader&) = delete;
  BatchLoader& operator=(const BatchLoader&) = delete;

  // Number of batches next() yields per epoch (respects drop_last).
  int64_t batches_per_epoch() const;
  // Begins epoch `epoch` (any number, typically 0, 1, …), abandoning the rest of
  // the current one. Background threads start preparing at once.
  void start_epoch(uint64_t epoch);
  // The next batch of the current epoch in order, blocking until ready; empty at
  // the end of the epoch (or before any start_epoch()). Rethrows an error raised
  // while preparing the batch.
  std::optional<Batch> next();

  const ImageDataset& dataset() const { return *dataset_; }
  const BatchLoaderOptions& options() const { return options_; }
  const ImageTransform& transform() const { return transform_; }

 private:
  Batch prepare(uint64_t epoch, int64_t batch_index) const;
  void stop_workers();
  void worker_loop();

  std::shared_ptr<const ImageDataset> dataset_;
  BatchLoaderOptions options_;
  ImageTransform transform_;
  std::vector<size_t> order_;  // this epoch's sample order
  uint64_t epoch_ = 0;
  int64_t next_to_consume_ = 0;
  int64_t batch_count_ = 0;  // of the current epoch; 0 before start_epoch()

  // Shared with the workers, under mutex_.
  std::mutex mutex_;
  std::condition_variable work_available_;
  std::condition_variable batch_ready_;
  int64_t next_to_prepare_ = 0;
  bool stopping_ = false;
  std::map<int64_t, Batch> ready_;
  std::map<int64_t, std::exception_ptr> failed_;
  std::vector<std::thread> workers_;
};

}  // namespace pinas::train::data
