#include "train/data/image_folder_reader.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "train/data/dataset_error.h"
#include "train/data/image_file.h"

namespace pinas::train::data {

namespace {

namespace fs = std::filesystem;

bool is_image_file(const fs::path& path) {
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return extension == ".jpg" || extension == ".jpeg" || extension == ".png";
}

// The image files directly in `folder`, sorted by name.
std::vector<fs::path> image_files_in(const fs::path& folder) {
  std::vector<fs::path> files;
  std::error_code error;
  if (!fs::is_directory(folder, error)) return files;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder)) {
    if (entry.is_regular_file() && is_image_file(entry.path())) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

void require_directory(const fs::path& directory) {
  std::error_code error;
  if (!fs::is_directory(directory, error)) {
    throw DatasetError("image folder " + directory.string() + ": not found or not a directory");
  }
}

// Decodes `files` into one dataset: the first file fixes channels and size
// unless the options do; the rest are decoded in parallel into their slots.
ImageDataset decode_all(const std::vector<fs::path>& files, std::vector<int64_t> labels,
                        std::vector<std::string> class_names, const ImageFolderOptions& options,
                        const fs::path& directory) {
  if (files.empty())
    throw DatasetError("image folder " + directory.string() + ": no JPEG/PNG images");
  if (options.channels != 0 && options.channels != 1 && options.channels != 3) {
    throw DatasetError("image folder " + directory.string() + ": channels must be 0, 1 or 3");
  }
  if ((options.height == 0) != (options.width == 0) || options.height < 0 || options.width < 0) {
    throw DatasetError("image folder " + directory.string() +
                       ": resize height and width must both be positive or both 0");
  }
  Image first = read_image_file(files[0], options.channels);
  if (options.height > 0) first = resize_image(first, options.height, options.width);
  ImageDataset dataset;
  dataset.name = directory.string();
  dataset.channels = first.channels;
  dataset.height = first.height;
  dataset.width = first.width;
  dataset.class_names = std::move(class_names);
  dataset.labels = std::move(labels);
  const size_t bytes = dataset.image_bytes();
  dataset.pixels.resize(files.size() * bytes);
  std::memcpy(dataset.pixels.data(), first.pixels.data(), bytes);
  auto decode_range = [&](const tbb::blocked_range<size_t>& range) {
    for (size_t i = range.begin(); i != range.end(); ++i) {
      Image image = read_image_file(files[i], dataset.channels);
      if (options.height > 0) {
        image = resize_image(image, options.height, options.width);
      } else if (image.height != dataset.height || image.width != dataset.width) {
        throw DatasetError("image file " + files[i].string() + ": " + std::to_string(image.height) +
                           "x" + std::to_string(image.width) + " differs from the " +
                           std::to_string(dataset.height) + "x" + std::to_string(dataset.width) +
                           " of " + files[0].string() + " (set a resize size)");
      }
      std::memcpy(dataset.pixels.data() + i * bytes, image.pixels.data(), bytes);
    }
  };
  const int threads =
      options.decode_threads > 0 ? options.decode_threads : tbb::this_task_arena::max_concurrency();
  tbb::task_arena arena(threads);
  arena.execute(
      [&] { tbb::parallel_for(tbb::blocked_range<size_t>(1, files.size(), 64), decode_range); });
  return dataset;
}

}  // namespace

ImageDataset read_image_folder(const fs::path& directory, const ImageFolderOptions& options,
                               const std::vector<std::string>& class_names) {
  require_directory(directory);
  std::vector<std::string> found;
  for (const fs::directory_entry& entry : fs::directory_iterator(directory)) {
    if (entry.is_directory()) found.push_back(entry.path().filename().string());
  }
  std::sort(found.begin(), found.end());
  if (found.empty())
    throw DatasetError("image folder " + directory.string() + ": no class subfolders");
  const std::vector<std::string>& classes = class_names.empty() ? found : class_names;
  std::map<std::string, int64_t> index_of;
  for (size_t i = 0; i < classes.size(); ++i) index_of[classes[i]] = static_cast<int64_t>(i);
  std::vector<fs::path> files;
  std::vector<int64_t> labels;
  for (const std::string& name : found) {
    const auto known = index_of.find(name);
    if (known == index_of.end()) {
      throw DatasetError("image folder " + (directory / name).string() +
                         ": class not among the training classes");
    }
    std::vector<fs::path> class_files = image_files_in(directory / name);
    // Tiny-ImageNet keeps a class's images in <class>/images/.
    for (fs::path& file : image_files_in(directory / name / "images")) class_files.push_back(file);
    for (fs::path& file : class_files) {
      files.push_back(std::move(file));
      labels.push_back(known->second);
    }
  }
  return decode_all(files, std::move(labels), classes, options, directory);
}

ImageDataset read_annotated_image_folder(const fs::path& directory,
                                         const std::vector<std::string>& class_names,
                                         const ImageFolderOptions& options) {
  require_directory(directory);
  const fs::path annotations = directory / "val_annotations.txt";
  std::ifstream stream(annotations);
  if (!stream) throw DatasetError("annotation file " + annotations.string() + ": not found");
  std::map<std::string, int64_t> index_of;
  for (size_t i = 0; i < class_names.size(); ++i)
    index_of[class_names[i]] = static_cast<int64_t>(i);
  std::vector<std::pair<fs::path, int64_t>> entries;
  std::string line;
  size_t line_number = 0;
  while (std::getline(stream, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::istringstream fields(line);
    std::string file, wnid;
    if (!std::getline(fields, file, '\t') || !std::getline(fields, wnid, '\t') || wnid.empty()) {
      throw DatasetError("annotation file " + annotations.string() + ": line " +
                         std::to_string(line_number) + " lacks a file and a class");
    }
    const auto known = index_of.find(wnid);
    if (known == index_of.end()) {
      throw DatasetError("annotation file " + annotations.string() + ": line " +
                         std::to_string(line_number) + ": unknown class " + wnid);
    }
    entries.emplace_back(directory / "images" / file, known->second);
  }
  std::sort(entries.begin(), entries.end());
  std::vector<fs::path> files;
  std::vector<int64_t> labels;
  for (auto& [file, label] : entries) {
    files.push_back(file);
    labels.push_back(label);
  }
  return decode_all(files, std::move(labels), class_names, options, directory);
}

}  // namespace pinas::train::data
