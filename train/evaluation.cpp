#include "train/evaluation.h"

#include "train/data/batch_loader.h"

namespace pinas::train {

double evaluate_accuracy(NetworkImpl& network, const data::ImageDataset& dataset,
                         const data::Normalization& normalization, int64_t batch_size) {
  // The loader shares the dataset without copying it: a non-owning pointer.
  std::shared_ptr<const data::ImageDataset> view(&dataset, [](const data::ImageDataset*) {});
  data::BatchLoaderOptions options;
  options.batch_size = batch_size;
  options.shuffle = false;
  options.threads = 1;
  options.normalization = normalization;
  data::BatchLoader loader(view, options);
  const bool was_training = network.is_training();
  network.eval();
  torch::NoGradGuard no_grad;
  auto parameters = network.parameters();
  const torch::Device device = parameters.empty() ? torch::Device(torch::kCPU) : parameters.front().device();
  int64_t correct = 0;
  int64_t total = 0;
  loader.start_epoch(0);
  while (auto batch = loader.next()) {
    auto logits = network.forward(batch->images.to(device));
    correct += logits.argmax(1).eq(batch->labels.to(device)).sum().item<int64_t>();
    total += batch->labels.size(0);
  }
  network.train(was_training);
  return total > 0 ? static_cast<double>(correct) / static_cast<double>(total) : 0.0;
}

}  // namespace pinas::train
