#pragma once

#include <torch/torch.h>

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
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

// Opens the checkpoint at `path` and checks its JSON "state": format equal to
// `format`, "settings" equal to `fingerprint`, at most `epochs` entries in
// "history". Then `restore(archive, state)` reads the modules, optimizers and
// history. Every LibTorch, JSON or pinas error on the way, `restore`'s
// included, becomes a SupernetCheckpointError naming the file.
// Thread-safety: as `restore`'s.
void load_checkpoint_archive(
    const std::filesystem::path& path, int format, const nlohmann::json& fingerprint, int epochs,
    const std::function<void(torch::serialize::InputArchive&, const nlohmann::json&)>& restore);

}  // namespace pinas::train::supernet
