#include "train/supernet/supernet_checkpoint.h"

#include <fmt/format.h>

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

}  // namespace pinas::train::supernet
