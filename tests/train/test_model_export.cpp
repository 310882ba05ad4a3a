// Checkpoints and model files: export -> read_model_file -> rebuild -> the
// same logits; batch norm kept as parameters; masks survive; bad files are
// refused with the file's name.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fstream>

#include "search_spaces/model_file.h"
#include "search_spaces/presets.h"
#include "tests/train/detail/training_fixtures.h"
#include "train/checkpoint.h"
#include "train/model_export.h"
#include "train/trainer.h"

namespace pinas::train {
namespace {

using testing::fresh_directory;

CheckpointInfo info_for(const spaces::Architecture& architecture) {
  CheckpointInfo info;
  info.architecture = architecture.to_proto();
  info.dataset = "fashion-mnist";
  info.class_names = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"};
  info.normalization_mean = {0.286f};
  info.normalization_std = {0.353f};
  info.test_accuracy = 0.5;
  return info;
}

// A network with trained-looking state: random BN statistics and a mask.
Network prepared_network(const spaces::Architecture& architecture) {
  Network network(architecture, 21);
  torch::manual_seed(4);
  for (auto& item : network->node_tensors()) {
    torch::NoGradGuard no_grad;
    if (item.role == "running_mean" || item.role == "bias") item.tensor.uniform_(-0.3, 0.3);
    if (item.role == "running_var") item.tensor.uniform_(0.5, 1.5);
  }
  for (auto id : architecture.topological_order()) {
    if (architecture.node(id).op == spaces::OpType::ReLU) {
      const auto shape = network->cost_report().shape(id);
      network->set_relu_mask(architecture.node(id).name,
                             (torch::rand({shape.channels, shape.height, shape.width}) < 0.5).to(torch::kFloat32));
      break;
    }
  }
  network->eval();
  return network;
}

TEST(ModelExportTest, ExportReadRebuildGivesTheSameLogits) {
  const auto architecture = spaces::make_preset("cryptonas-fmnist");
  Network network = prepared_network(architecture);
  const auto directory = fresh_directory("export");
  const auto path = directory / "model.pb";
  spaces::write_model_file(path, export_model(*network, info_for(architecture)));

  const pb::Model model = spaces::read_model_file(path);
  EXPECT_EQ(model.dataset(), "fashion-mnist");
  EXPECT_DOUBLE_EQ(model.batch_norm_epsilon(), 1e-5);
  ASSERT_EQ(model.input_normalization().mean_size(), 1);
  EXPECT_FLOAT_EQ(model.input_normalization().mean(0), 0.286f);
  // Batch norm is kept as its four tensors, not folded; the one mask is in the
  // IR (a RELU node's relu_mask), not a tensor.
  int batch_norms = 0, masks = 0;
  for (const auto& parameters : model.parameters()) {
    const auto& tensors = parameters.tensors();
    if (tensors.count("running_var")) {
      ++batch_norms;
      EXPECT_TRUE(tensors.count("weight") && tensors.count("bias") && tensors.count("running_mean"));
    }
    masks += static_cast<int>(tensors.count("mask"));
  }
  int batch_norm_nodes = 0;
  for (spaces::NodeId id = 0; id < architecture.num_nodes(); ++id) {
    batch_norm_nodes += architecture.node(id).op == spaces::OpType::BatchNorm ? 1 : 0;
  }
  EXPECT_EQ(batch_norms, batch_norm_nodes);
  EXPECT_GE(batch_norms, 7);  // stem + one per layer
  EXPECT_EQ(masks, 0);
  int ir_masks = 0;
  for (const auto& node : model.architecture().nodes()) ir_masks += node.relu_mask().empty() ? 0 : 1;
  EXPECT_EQ(ir_masks, 1);

  Network rebuilt = import_model(model);
  const auto x = torch::randn({3, 1, 28, 28});
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::equal(network->forward(x), rebuilt->forward(x)));
  EXPECT_EQ(rebuilt->last_relus_per_example(), network->last_relus_per_example());
  std::filesystem::remove_all(directory);
}

TEST(ModelExportTest, ExportsATrainedCheckpoint) {
  const auto directory = fresh_directory("export-trained");
  auto job = testing::tiny_job(1, 128, 5);
  job.output_dir = directory;
  const auto result = run_training(job);
  ASSERT_EQ(result.status, TrainingStatus::Completed);
  const auto model = export_checkpoint(Checkpoint::resolve(directory), directory / "model.pb");
  EXPECT_NEAR(model.test_accuracy(), result.test_accuracy, 1e-12);
  EXPECT_EQ(model.class_names_size(), 10);
  Network trained = Checkpoint::load_network(directory);
  Network rebuilt = import_model(spaces::read_model_file(directory / "model.pb"));
  const auto x = torch::randn({4, 1, 28, 28});
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::equal(trained->forward(x), rebuilt->forward(x)));
  std::filesystem::remove_all(directory);
}

TEST(ModelExportTest, RefusesTensorsThatDoNotFit) {
  const auto architecture = spaces::make_preset("cryptonas-fmnist");
  Network network(architecture, 1);
  pb::Model model = export_model(*network, info_for(architecture));
  pb::Model wrong_shape = model;
  auto& tensors = *wrong_shape.mutable_parameters(0)->mutable_tensors();
  tensors.begin()->second.set_shape(0, 99);
  EXPECT_THROW(import_model(wrong_shape), Error);
  pb::Model missing = model;
  missing.mutable_parameters()->RemoveLast();
  EXPECT_THROW(import_model(missing), Error);
  pb::Model unknown = model;
  unknown.mutable_parameters(0)->set_node("no-such-node");
  EXPECT_THROW(import_model(unknown), Error);
}

TEST(ModelExportTest, CorruptCheckpointIsRefusedNamingTheFile) {
  const auto directory = fresh_directory("corrupt");
  const auto path = directory / "checkpoint.pt";
  std::ofstream(path) << "not a checkpoint";
  try {
    Checkpoint::read_info(path);
    FAIL() << "expected CheckpointError";
  } catch (const CheckpointError& error) {
    EXPECT_NE(std::string(error.what()).find(path.string()), std::string::npos) << error.what();
  }
  EXPECT_THROW(Checkpoint::read_info(directory / "missing.pt"), CheckpointError);
  std::filesystem::remove_all(directory);
}

}  // namespace
}  // namespace pinas::train
