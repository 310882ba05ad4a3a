#include "tests/train/detail/training_fixtures.h"

#include <unistd.h>

#include "search_spaces/architecture.h"

namespace pinas::train::testing {

pb::Architecture tiny_fashion_architecture() {
  using spaces::Node;
  using spaces::OpType;
  spaces::Architecture architecture("tiny-fashion", 10);
  auto node = [](const std::string& name, OpType op) {
    Node n;
    n.name = name;
    n.op = op;
    return n;
  };
  Node input = node("input", OpType::Input);
  input.input_shape = {1, 28, 28};
  auto previous = architecture.add_node(input, {});
  for (int layer = 1; layer <= 2; ++layer) {
    Node conv = node("conv" + std::to_string(layer), OpType::Conv);
    conv.out_channels = 8;
    conv.kernel = 3;
    conv.stride = 2;
    conv.padding = 1;
    previous = architecture.add_node(conv, {previous});
    previous = architecture.add_node(node("bn" + std::to_string(layer), OpType::BatchNorm), {previous});
    previous = architecture.add_node(node("relu" + std::to_string(layer), OpType::ReLU), {previous});
  }
  previous = architecture.add_node(node("gap", OpType::GlobalAvgPool), {previous});
  Node linear = node("fc", OpType::Linear);
  linear.out_channels = 10;
  linear.bias = true;
  previous = architecture.add_node(linear, {previous});
  architecture.add_node(node("output", OpType::Output), {previous});
  return architecture.to_proto();
}

TrainingJob tiny_job(int epochs, int64_t train_images, uint64_t seed) {
  TrainingJob job;
  job.architecture = tiny_fashion_architecture();
  job.data_spec = "fashion-mnist";
  job.train_subset = train_images;
  job.test_subset = 200;
  job.validation_fraction = 0.01;
  job.epochs = epochs;
  job.seed = seed;
  job.threads = 1;
  job.hyperparameters.batch_size = 32;
  job.hyperparameters.learning_rate = 0.05;
  return job;
}

std::filesystem::path fresh_directory(const std::string& name) {
  auto directory = std::filesystem::temp_directory_path() /
                   ("pinas-train-test-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(directory);
  std::filesystem::create_directories(directory);
  return directory;
}

}  // namespace pinas::train::testing
