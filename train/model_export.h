#pragma once

#include <torch/torch.h>

#include <filesystem>

#include "proto/model.pb.h"
#include "train/checkpoint.h"
#include "train/network.h"

namespace pinas::train {

// Converts between a trained Network and the model file's pb::Model: the
// architecture with every RELU's current mask and replacement polynomial in its
// IR node, every node's tensors by role (batch norm kept as weight, bias,
// running mean and variance, not folded), the batch-norm epsilon, the input
// normalization and the dataset metadata. Tensors are written as float32 on the
// CPU. Older files whose masks are "mask" tensors still import.

// Whether a node tensor's role goes into a model file: not the RELU's mask and
// replacement (they are in the IR) nor a reduction's relaxation tensors
// ("snl_*", "autorep_*", "dapa_*"). Thread-safe.
bool is_exported_role(const std::string& role);

// Builds the pb::Model of `network` with the metadata of `info`.
// Not thread-safe for one network.
pb::Model export_model(NetworkImpl& network, const CheckpointInfo& info);

// Reads a training output folder's checkpoint (or a checkpoint file) and
// writes its model file to `model_path` (search_spaces/model_file.h
// envelope). Throws CheckpointError / spaces::ModelFileError naming the file.
pb::Model export_checkpoint(const std::filesystem::path& checkpoint, const std::filesystem::path& model_path);

// Rebuilds the network of `model` and loads every tensor into it. Returns it
// in eval mode on the CPU. Throws pinas::Error naming the node and role for a
// tensor that does not fit (unknown node or role, wrong shape, values not
// matching the shape), and spaces::GraphError for an invalid architecture.
Network import_model(const pb::Model& model);

}  // namespace pinas::train
