#include "train/checkpoint.h"

#include <nlohmann/json.hpp>

#include <cstring>

#include "train/detail/metrics_json.h"

namespace pinas::train {
namespace {

using nlohmann::json;

torch::Tensor bytes_to_tensor(const std::string& bytes) {
  auto tensor = torch::empty({static_cast<int64_t>(bytes.size())}, torch::kUInt8);
  std::memcpy(tensor.data_ptr(), bytes.data(), bytes.size());
  return tensor;
}

std::string tensor_to_bytes(const torch::Tensor& tensor) {
  auto contiguous = tensor.contiguous().to(torch::kUInt8);
  return std::string(static_cast<const char*>(contiguous.data_ptr()), static_cast<size_t>(contiguous.numel()));
}

json info_to_json(const CheckpointInfo& info) {
  json history = json::array();
  for (const auto& metrics : info.history) history.push_back(detail::metrics_to_json(metrics));
  return {{"format", 1},
          {"epochs_completed", info.epochs_completed},
          {"optimizer_steps", info.optimizer_steps},
          {"seed", info.seed},
          {"history", history},
          {"dataset", info.dataset},
          {"class_names", info.class_names},
          {"normalization_mean", info.normalization_mean},
          {"normalization_std", info.normalization_std},
          {"batch_norm_epsilon", info.batch_norm_epsilon},
          {"test_accuracy", std::isfinite(info.test_accuracy) ? json(info.test_accuracy) : json(nullptr)},
          {"extra_state", info.extra_state}};
}

CheckpointInfo info_from_json(const json& document) {
  CheckpointInfo info;
  info.epochs_completed = document.at("epochs_completed").get<int>();
  info.optimizer_steps = document.at("optimizer_steps").get<int64_t>();
  info.seed = document.at("seed").get<uint64_t>();
  for (const auto& metrics : document.at("history")) info.history.push_back(detail::metrics_from_json(metrics));
  info.dataset = document.at("dataset").get<std::string>();
  info.class_names = document.at("class_names").get<std::vector<std::string>>();
  info.normalization_mean = document.at("normalization_mean").get<std::vector<float>>();
  info.normalization_std = document.at("normalization_std").get<std::vector<float>>();
  info.batch_norm_epsilon = document.at("batch_norm_epsilon").get<double>();
  const auto& test = document.at("test_accuracy");
  info.test_accuracy = test.is_null() ? std::nan("") : test.get<double>();
  if (document.contains("extra_state")) info.extra_state = document.at("extra_state").get<std::string>();
  return info;
}

CheckpointInfo read_archive_info(torch::serialize::InputArchive& archive, const std::filesystem::path& path) {
  torch::Tensor info_bytes, architecture_bytes;
  if (!archive.try_read("info", info_bytes) || !archive.try_read("architecture", architecture_bytes)) {
    throw CheckpointError("checkpoint " + path.string() + ": not a pinas checkpoint (no info record)");
  }
  CheckpointInfo info;
  try {
    info = info_from_json(json::parse(tensor_to_bytes(info_bytes)));
  } catch (const json::exception& error) {
    throw CheckpointError("checkpoint " + path.string() + ": corrupt info record: " + error.what());
  }
  if (!info.architecture.ParseFromString(tensor_to_bytes(architecture_bytes))) {
    throw CheckpointError("checkpoint " + path.string() + ": corrupt architecture record");
  }
  torch::Tensor generator_state;
  if (archive.try_read("generator_state", generator_state)) info.generator_state = generator_state;
  return info;
}

void open_archive(torch::serialize::InputArchive& archive, const std::filesystem::path& path) {
  if (!std::filesystem::is_regular_file(path)) {
    throw CheckpointError("checkpoint " + path.string() + ": no such file");
  }
  try {
    archive.load_from(path.string());
  } catch (const c10::Error& error) {
    throw CheckpointError("checkpoint " + path.string() + ": unreadable (" + error.what_without_backtrace() + ")");
  }
}

}  // namespace

std::filesystem::path Checkpoint::resolve(const std::filesystem::path& path) {
  return std::filesystem::is_directory(path) ? path / kFileName : path;
}

void Checkpoint::save(const std::filesystem::path& path, NetworkImpl& network, torch::optim::Optimizer* optimizer,
                      const CheckpointInfo& info) {
  torch::serialize::OutputArchive archive;
  archive.write("info", bytes_to_tensor(info_to_json(info).dump()));
  archive.write("architecture", bytes_to_tensor(info.architecture.SerializeAsString()));
  if (info.generator_state.defined()) archive.write("generator_state", info.generator_state);
  torch::serialize::OutputArchive network_archive;
  network.save(network_archive);
  archive.write("network", network_archive);
  if (optimizer) {
    torch::serialize::OutputArchive optimizer_archive;
    optimizer->save(optimizer_archive);
    archive.write("optimizer", optimizer_archive);
  }
  const auto temporary = path.string() + ".tmp";
  try {
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
    archive.save_to(temporary);
    std::filesystem::rename(temporary, path);
  } catch (const c10::Error& error) {
    throw CheckpointError("checkpoint " + path.string() + ": cannot write (" + error.what_without_backtrace() + ")");
  } catch (const std::filesystem::filesystem_error& error) {
    throw CheckpointError("checkpoint " + path.string() + ": cannot write (" + error.what() + ")");
  }
}

CheckpointInfo Checkpoint::read_info(const std::filesystem::path& path) {
  torch::serialize::InputArchive archive;
  open_archive(archive, path);
  return read_archive_info(archive, path);
}

CheckpointInfo Checkpoint::load(const std::filesystem::path& path, NetworkImpl& network,
                                torch::optim::Optimizer* optimizer) {
  torch::serialize::InputArchive archive;
  open_archive(archive, path);
  CheckpointInfo info = read_archive_info(archive, path);
  try {
    torch::serialize::InputArchive network_archive;
    archive.read("network", network_archive);
    network.load(network_archive);
    if (optimizer) {
      torch::serialize::InputArchive optimizer_archive;
      archive.read("optimizer", optimizer_archive);
      optimizer->load(optimizer_archive);
    }
  } catch (const c10::Error& error) {
    throw CheckpointError("checkpoint " + path.string() + ": weights do not fit the network (" +
                          error.what_without_backtrace() + ")");
  }
  return info;
}

Network Checkpoint::load_network(const std::filesystem::path& path, CheckpointInfo* info_out) {
  const auto file = resolve(path);
  CheckpointInfo info = read_info(file);
  Network network(spaces::Architecture::from_proto(info.architecture), 0, info.batch_norm_epsilon);
  // Masks are buffers: install placeholders so the archive's masks have a home.
  torch::serialize::InputArchive archive;
  open_archive(archive, file);
  torch::serialize::InputArchive network_archive;
  archive.read("network", network_archive);
  for (spaces::NodeId id = 0; id < network->architecture().num_nodes(); ++id) {
    const auto& node = network->architecture().node(id);
    if (node.op != spaces::OpType::ReLU) continue;
    torch::serialize::InputArchive layer_archive;
    torch::Tensor mask;
    if (network_archive.try_read(NetworkImpl::submodule_name(node.name), layer_archive) &&
        layer_archive.try_read("mask", mask, /*is_buffer=*/true)) {
      network->set_relu_mask(node.name, mask);
    }
  }
  load(file, *network, nullptr);
  network->eval();
  if (info_out) *info_out = std::move(info);
  return network;
}

}  // namespace pinas::train
