#pragma once

#include <torch/torch.h>

#include <filesystem>
#include <string>

#include "proto/error.h"

// What every supernet search's checkpoint needs: an atomic write of one
// LibTorch archive and a way to carry JSON state (history, settings) in it.
namespace pinas::train::supernet {

// A supernet search's checkpoint cannot be used: unreadable, unwritable, or
// written by a search with other settings. The message names the file.
class SupernetCheckpointError : public Error {
 public:
  using Error::Error;
};

// Bytes as a 1-D uint8 tensor and back (archives hold tensors).
// Thread-safe.
torch::Tensor bytes_to_tensor(const std::string& bytes);
std::string tensor_to_bytes(const torch::Tensor& tensor);

// Saves `archive` to `path` through a temporary file renamed over it, so a
// kill while saving leaves the previous checkpoint; creates the parent
// folder. Throws SupernetCheckpointError naming the file. Thread-safety:
// one writer per path.
void save_archive_atomically(torch::serialize::OutputArchive& archive,
                             const std::filesystem::path& path);

}  // namespace pinas::train::supernet
