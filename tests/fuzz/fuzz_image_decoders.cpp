// JPEG (libjpeg-turbo) and PNG (libpng) bytes -> Image, through the decoding
// layer below read_image_file() (train/data/detail/image_codecs; LibTorch-free,
// so it is fuzzed as it is). Both decoders see every input: a clean
// pinas::Error (DatasetError naming the file), or an image of 1 or 3 channels
// and positive size whose interleaved pixels fill it exactly. The decoders cap
// decoded images at 256 MiB and libjpeg's working memory at 768 MiB, and grow
// JPEG rows as they decode, so no input reaches -malloc_limit_mb (512).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

#include "proto/error.h"
#include "tests/fuzz/detail/seed_files.h"
#include "train/data/detail/image_codecs.h"

namespace {

void check(const pinas::train::data::Image& image) {
  if ((image.channels != 1 && image.channels != 3) || image.height <= 0 || image.width <= 0 ||
      image.pixels.size() != static_cast<std::size_t>(image.channels) *
                                 static_cast<std::size_t>(image.height) *
                                 static_cast<std::size_t>(image.width)) {
    __builtin_trap();
  }
}

}  // namespace

// Seeds: small colour and grayscale images in both formats, by our encoders.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (!pinas::fuzz::writing_seeds()) return 0;
  namespace data = pinas::train::data;
  const std::filesystem::path folder = "tests/fuzz/corpus/fuzz_image_decoders";
  std::filesystem::create_directories(folder);
  for (std::int64_t channels : {std::int64_t{1}, std::int64_t{3}}) {
    data::Image image;
    image.channels = channels;
    image.height = 5;
    image.width = 4;
    for (std::int64_t i = 0; i < channels * 5 * 4; ++i)
      image.pixels.push_back(static_cast<std::uint8_t>(i * 13));
    const std::string name = channels == 1 ? "gray" : "rgb";
    data::detail::encode_png(folder / (name + ".png"), image);
    data::detail::encode_jpeg(folder / (name + ".jpg"), image, 90);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::uint8_t> bytes(data, data + size);
  try {
    check(pinas::train::data::detail::decode_jpeg(bytes, "fuzz.jpg"));
  } catch (const pinas::Error&) {
  }
  try {
    check(pinas::train::data::detail::decode_png(bytes, "fuzz.png"));
  } catch (const pinas::Error&) {
  }
  return 0;
}
