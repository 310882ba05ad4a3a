#include "train/model_export.h"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <set>
#include <utility>

#include "search_spaces/model_file.h"

namespace pinas::train {
namespace {

void to_proto_tensor(const torch::Tensor& tensor, pb::Tensor& proto) {
  auto values = tensor.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  for (int64_t size : values.sizes()) proto.add_shape(size);
  const float* data = values.data_ptr<float>();
  proto.mutable_values()->Add(data, data + values.numel());
}

torch::Tensor from_proto_tensor(const pb::Tensor& proto, const std::string& where) {
  std::vector<int64_t> shape(proto.shape().begin(), proto.shape().end());
  int64_t elements = 1;
  for (int64_t size : shape) {
    if (size < 0) throw Error(where + ": negative dimension in shape");
    elements *= size;
  }
  if (elements != proto.values_size()) {
    throw Error(fmt::format("{}: {} values for a shape of {} elements", where, proto.values_size(), elements));
  }
  auto tensor = torch::empty(shape, torch::kFloat32);
  std::copy(proto.values().begin(), proto.values().end(), tensor.data_ptr<float>());
  return tensor;
}

}  // namespace

bool is_exported_role(const std::string& role) {
  return role != "mask" && role != "replacement" && !role.starts_with("snl_") && !role.starts_with("autorep_") &&
         !role.starts_with("dapa_");
}

pb::Model export_model(NetworkImpl& network, const CheckpointInfo& info) {
  pb::Model model;
  // Masks and replacement polynomials are part of the architecture (what the
  // client may know), not tensors; reduction relaxations are not exported.
  *model.mutable_architecture() = network.current_architecture().to_proto();
  std::map<std::string, pb::NodeParameters*> by_node;
  for (const NodeTensor& item : network.node_tensors()) {
    if (!is_exported_role(item.role)) continue;
    auto& parameters = by_node[item.node];
    if (!parameters) {
      parameters = model.add_parameters();
      parameters->set_node(item.node);
    }
    to_proto_tensor(item.tensor, (*parameters->mutable_tensors())[item.role]);
  }
  model.set_batch_norm_epsilon(network.batch_norm_epsilon());
  auto* normalization = model.mutable_input_normalization();
  for (float mean : info.normalization_mean) normalization->add_mean(mean);
  for (float deviation : info.normalization_std) normalization->add_std(deviation);
  model.set_dataset(info.dataset);
  for (const auto& name : info.class_names) model.add_class_names(name);
  if (std::isfinite(info.test_accuracy)) model.set_test_accuracy(info.test_accuracy);
  auto& metadata = *model.mutable_metadata();
  metadata["trainer"] = "pinas train";
  metadata["epochs"] = std::to_string(info.epochs_completed);
  metadata["seed"] = std::to_string(info.seed);
  return model;
}

pb::Model export_checkpoint(const std::filesystem::path& checkpoint, const std::filesystem::path& model_path) {
  CheckpointInfo info;
  Network network = Checkpoint::load_network(checkpoint, &info);
  pb::Model model = export_model(*network, info);
  spaces::write_model_file(model_path, model);
  return model;
}

Network import_model(const pb::Model& model) {
  const double epsilon = model.batch_norm_epsilon() > 0 ? model.batch_norm_epsilon() : 1e-5;
  Network network(spaces::Architecture::from_proto(model.architecture()), 0, epsilon);
  std::set<std::pair<std::string, std::string>> loaded;
  for (const auto& parameters : model.parameters()) {
    for (const auto& [role, tensor] : parameters.tensors()) {
      loaded.emplace(parameters.node(), role);
      network->load_node_tensor(parameters.node(), role,
                                from_proto_tensor(tensor, "node '" + parameters.node() + "' tensor '" + role + "'"));
    }
  }
  // Optional roles: a mask tensor of older files (absent = the IR's), polynomial
  // coefficients (absent = the IR's). Every other exported tensor must be in the file.
  for (const NodeTensor& expected : network->node_tensors()) {
    if (!is_exported_role(expected.role) || expected.role == "coefficients") continue;
    if (!loaded.count({expected.node, expected.role})) {
      throw Error("model: node '" + expected.node + "' lacks its tensor '" + expected.role + "'");
    }
  }
  network->eval();
  return network;
}

}  // namespace pinas::train
