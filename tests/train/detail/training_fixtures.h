#pragma once

#include <filesystem>
#include <string>

#include "proto/architecture.pb.h"
#include "train/training_job.h"

// Shared helpers of the trainer tests: a tiny Fashion-MNIST network and short
// jobs on real data subsets.
namespace pinas::train::testing {

// conv 3x3 stride 2 (8 ch) -> BN -> ReLU -> conv 3x3 stride 2 (8 ch) -> BN ->
// ReLU -> global average pool -> linear 10, on 1x28x28.
pb::Architecture tiny_fashion_architecture();

// A short, single-threaded job on the first `train_images` Fashion-MNIST
// training images (1% validation split, 200 test images).
TrainingJob tiny_job(int epochs, int64_t train_images, uint64_t seed);

// A fresh empty folder under the system temporary folder.
std::filesystem::path fresh_directory(const std::string& name);

}  // namespace pinas::train::testing
