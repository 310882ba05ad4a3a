#include "train/supernet/supernet_checkpoint.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace pinas::train::supernet {

torch::Tensor bytes_to_tensor(const std::string& bytes) {
  auto tensor = torch::empty({static_cast<int64_t>(bytes.size())}, torch::kUInt8);
  if (!bytes.empty()) std::memcpy(tensor.data_ptr(), bytes.data(), bytes.size());
  return tensor;
}

std::string tensor_to_bytes(const torch::Tensor& tensor) {
  auto contiguous = tensor.contiguous().to(torch::kUInt8);
  return std::string(static_cast<const char*>(contiguous.data_ptr()),
                     static_cast<size_t>(contiguous.numel()));
}

void save_archive_atomically(torch::serialize::OutputArchive& archive,
                             const std::filesystem::path& path) {
  const auto temporary = path.string() + ".tmp";
  try {
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
    archive.save_to(temporary);
    std::filesystem::rename(temporary, path);
  } catch (const c10::Error& error) {
    throw SupernetCheckpointError(fmt::format("supernet checkpoint {}: cannot write ({})",
                                              path.string(), error.what_without_backtrace()));
  } catch (const std::filesystem::filesystem_error& error) {
    throw SupernetCheckpointError(
        fmt::format("supernet checkpoint {}: cannot write ({})", path.string(), error.what()));
  }
}

void load_checkpoint_archive(
    const std::filesystem::path& path, int format, const nlohmann::json& fingerprint, int epochs,
    const std::function<void(torch::serialize::InputArchive&, const nlohmann::json&)>& restore) {
  const std::string name = path.string();
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(name);
    torch::Tensor state_bytes;
    archive.read("state", state_bytes);
    const auto state = nlohmann::json::parse(tensor_to_bytes(state_bytes));
    if (state.at("format").get<int>() != format)
      throw SupernetCheckpointError(fmt::format("supernet checkpoint {}: unknown format {}", name,
                                                state.at("format").dump()));
    if (state.at("settings") != fingerprint)
      throw SupernetCheckpointError(fmt::format(
          "supernet checkpoint {}: written by a search with other settings ({}; now {})", name,
          state.at("settings").dump(), fingerprint.dump()));
    const auto recorded = state.at("history").size();
    if (recorded > static_cast<size_t>(std::max(epochs, 0)))
      throw SupernetCheckpointError(fmt::format(
          "supernet checkpoint {}: holds {} epochs of a {}-epoch search", name, recorded, epochs));
    restore(archive, state);
  } catch (const SupernetCheckpointError&) {
    throw;
  } catch (const c10::Error& error) {
    throw SupernetCheckpointError(fmt::format("supernet checkpoint {}: unreadable ({})", name,
                                              error.what_without_backtrace()));
  } catch (const nlohmann::json::exception& error) {
    throw SupernetCheckpointError(
        fmt::format("supernet checkpoint {}: corrupt state ({})", name, error.what()));
  } catch (const Error& error) {
    throw SupernetCheckpointError(
        fmt::format("supernet checkpoint {}: corrupt state ({})", name, error.what()));
  }
}

}  // namespace pinas::train::supernet
