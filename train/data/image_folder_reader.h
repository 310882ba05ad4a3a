#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "train/data/image_dataset.h"

namespace pinas::train::data {

// How an image folder is turned into one dataset.
struct ImageFolderOptions {
  // 0: take the channel count of the first image (in sorted order) and convert
  // the others to it; 1 or 3: convert every image to that.
  int64_t channels = 0;
  // 0 × 0: every image must have the first image's size, else DatasetError
  // naming the odd file; otherwise every image is bilinearly resized to this.
  int64_t height = 0;
  int64_t width = 0;
  // Threads used to decode (0: all hardware threads, through oneTBB).
  int decode_threads = 0;
};

// Reads DIR/<class>/... : every immediate subfolder is a class, class index =
// position of the subfolder name in byte-wise sorted order. Images are the
// JPEG/PNG files (.jpg .jpeg .png, any case) directly in the class folder or in
// its images/ subfolder (the Tiny-ImageNet train layout), sorted by path.
// If `class_names` is non-empty it fixes the classes (so a test folder uses the
// train folder's indices); a subfolder not in it is an error.
// Throws DatasetError naming the folder or file: missing folder, no class, no
// image, undecodable file, size mismatch.
ImageDataset read_image_folder(const std::filesystem::path& directory,
                               const ImageFolderOptions& options = {},
                               const std::vector<std::string>& class_names = {});

// Reads the Tiny-ImageNet validation layout: DIR/images/*.JPEG labelled by
// DIR/val_annotations.txt (tab-separated: file, wnid, box...), with the class
// indices of `class_names` (the train folder's). Throws DatasetError naming the
// file on a missing annotation, an unknown wnid or a bad image.
ImageDataset read_annotated_image_folder(const std::filesystem::path& directory,
                                         const std::vector<std::string>& class_names,
                                         const ImageFolderOptions& options = {});

}  // namespace pinas::train::data
