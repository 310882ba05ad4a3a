#include "train/data/batch_loader.h"

#include "train/data/dataset_error.h"
#include "train/data/detail/random.h"

namespace pinas::train::data {

namespace {

const ImageDataset& checked(const std::shared_ptr<const ImageDataset>& dataset) {
  if (dataset == nullptr) throw DatasetError("batch loader: no dataset");
  dataset->validate();
  if (dataset->size() == 0)
    throw DatasetError("batch loader: dataset " + dataset->name + " is empty");
  return *dataset;
}

Normalization normalization_or_identity(const Normalization& normalization, int64_t channels) {
  return normalization.mean.empty() && normalization.std.empty() ? Normalization::identity(channels)
                                                                 : normalization;
}

}  // namespace

BatchLoader::BatchLoader(std::shared_ptr<const ImageDataset> dataset, BatchLoaderOptions options)
    : dataset_(std::move(dataset)),
      options_(std::move(options)),
      transform_(checked(dataset_).channels, dataset_->height, dataset_->width,
                 normalization_or_identity(options_.normalization, dataset_->channels),
                 options_.augmentation, detail::mix_seed(options_.seed, 0xA06)) {
  if (options_.batch_size < 1) {
    throw DatasetError("batch loader: batch size " + std::to_string(options_.batch_size) +
                       " is below 1");
  }
  if (options_.threads < 0) throw DatasetError("batch loader: negative thread count");
  if (options_.prefetch_batches < 1) throw DatasetError("batch loader: prefetch_batches below 1");
  options_.normalization = transform_.normalization();
}

BatchLoader::~BatchLoader() {
  stop_workers();
}

int64_t BatchLoader::batches_per_epoch() const {
  const int64_t size = static_cast<int64_t>(dataset_->size());
  return options_.drop_last ? size / options_.batch_size
                            : (size + options_.batch_size - 1) / options_.batch_size;
}

void BatchLoader::start_epoch(uint64_t epoch) {
  stop_workers();
  epoch_ = epoch;
  if (options_.shuffle) {
    order_ = detail::seeded_permutation(dataset_->size(),
                                        detail::mix_seed(options_.seed, 0x5AFF1E, epoch));
  } else {
    order_.resize(dataset_->size());
    for (size_t i = 0; i < order_.size(); ++i) order_[i] = i;
  }
  batch_count_ = batches_per_epoch();
  {
    std::lock_guard lock(mutex_);
    next_to_consume_ = 0;
    next_to_prepare_ = 0;
  }
  for (int i = 0; i < options_.threads; ++i) workers_.emplace_back([this] { worker_loop(); });
}

std::optional<Batch> BatchLoader::next() {
  std::unique_lock lock(mutex_);
  const int64_t wanted = next_to_consume_;
  if (wanted >= batch_count_) return std::nullopt;
  if (workers_.empty()) {
    ++next_to_consume_;
    lock.unlock();
    return prepare(epoch_, wanted);
  }
  batch_ready_.wait(lock, [&] { return ready_.count(wanted) > 0 || failed_.count(wanted) > 0; });
  // A failed batch stays failed: every later next() of this epoch rethrows.
  if (const auto failure = failed_.find(wanted); failure != failed_.end()) {
    std::rethrow_exception(failure->second);
  }
  auto ready = ready_.find(wanted);
  Batch batch = std::move(ready->second);
  ready_.erase(ready);
  ++next_to_consume_;
  lock.unlock();
  work_available_.notify_all();
  return batch;
}

Batch BatchLoader::prepare(uint64_t epoch, int64_t batch_index) const {
  const int64_t first = batch_index * options_.batch_size;
  const int64_t count =
      std::min<int64_t>(options_.batch_size, static_cast<int64_t>(order_.size()) - first);
  const ImageDataset& dataset = *dataset_;
  const int64_t image_size = static_cast<int64_t>(dataset.image_bytes());
  Batch batch;
  batch.batch_index = batch_index;
  batch.images =
      torch::empty({count, dataset.channels, dataset.height, dataset.width}, torch::kFloat32);
  batch.labels = torch::empty({count}, torch::kInt64);
  batch.indices = torch::empty({count}, torch::kInt64);
  float* images = batch.images.data_ptr<float>();
  int64_t* labels = batch.labels.data_ptr<int64_t>();
  int64_t* indices = batch.indices.data_ptr<int64_t>();
  for (int64_t i = 0; i < count; ++i) {
    const size_t index = order_[static_cast<size_t>(first + i)];
    transform_.apply(dataset.image(index), epoch, index, images + i * image_size);
    labels[i] = dataset.labels[index];
    indices[i] = static_cast<int64_t>(index);
  }
  return batch;
}

void BatchLoader::worker_loop() {
  while (true) {
    int64_t batch_index;
    {
      std::unique_lock lock(mutex_);
      work_available_.wait(lock, [&] {
        return stopping_ || next_to_prepare_ >= batch_count_ ||
               next_to_prepare_ < next_to_consume_ + options_.prefetch_batches;
      });
      if (stopping_ || next_to_prepare_ >= batch_count_) return;
      batch_index = next_to_prepare_++;
    }
    try {
      Batch batch = prepare(epoch_, batch_index);
      std::lock_guard lock(mutex_);
      ready_.emplace(batch_index, std::move(batch));
    } catch (...) {
      std::lock_guard lock(mutex_);
      failed_.emplace(batch_index, std::current_exception());
    }
    batch_ready_.notify_all();
  }
}

void BatchLoader::stop_workers() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_available_.notify_all();
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
  std::lock_guard lock(mutex_);
  stopping_ = false;
  ready_.clear();
  failed_.clear();
}

}  // namespace pinas::train::data
