#include "train/data/detail/image_codecs.h"

// libjpeg reports fatal errors through a callback that must not return; the
// documented way out is longjmp back to the caller. The frames that call
// setjmp() own only C objects, and only libjpeg's C frames lie between them and
// the longjmp, so no destructor is ever skipped.
#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <string>
// jpeglib.h needs FILE and size_t declared before it.
#include <jpeglib.h>
#include <png.h>

#include "train/data/dataset_error.h"

namespace pinas::train::data::detail {

namespace {

// Decoded images above this many bytes (256 MiB, an RGB image of about 9,400 x
// 9,400 pixels; the datasets pinas reads are 28 to 64 pixels a side) are refused
// before allocating: a hostile or corrupt header must give an error, not an
// out-of-memory crash.
constexpr uint64_t kMaximumImageBytes = uint64_t{256} << 20;

// libjpeg's own working memory (progressive coefficient buffers, about 2 bytes a
// sample) is held to this; above it libjpeg fails cleanly for want of a backing
// store instead of allocating.
constexpr long kMaximumJpegWorkingBytes = long{768} << 20;

struct JpegErrorHandler {
  jpeg_error_mgr manager;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
  int warnings;
};

void jpeg_fail(j_common_ptr info) {
  auto* handler = reinterpret_cast<JpegErrorHandler*>(info->err);
  (*info->err->format_message)(info, handler->message);
  std::longjmp(handler->jump, 1);
}

// Corrupt-data warnings (premature end of data, bad Huffman code…) make libjpeg
// fill the rest of the image with gray; a silently wrong image is worse than an
// error, so the first warning is kept and turned into one.
void jpeg_message(j_common_ptr info, int level) {
  auto* handler = reinterpret_cast<JpegErrorHandler*>(info->err);
  if (level < 0 && handler->warnings++ == 0) {
    (*info->err->format_message)(info, handler->message);
  }
}

}  // namespace

namespace {

// Decodes into *image, owned by the caller so nothing with a destructor lives in
// the frame that calls setjmp(). Returns false with `message` on a fatal error.
bool decode_jpeg_into(const std::vector<uint8_t>& bytes, Image* image, char* message,
                      int* warnings) {
  jpeg_decompress_struct info;
  JpegErrorHandler handler;
  info.err = jpeg_std_error(&handler.manager);
  handler.manager.error_exit = jpeg_fail;
  handler.manager.emit_message = jpeg_message;
  handler.warnings = 0;
  handler.message[0] = '\0';
  if (setjmp(handler.jump) != 0) {
    std::memcpy(message, handler.message, JMSG_LENGTH_MAX);
    jpeg_destroy_decompress(&info);
    return false;
  }
  jpeg_create_decompress(&info);
  jpeg_mem_src(&info, bytes.data(), static_cast<unsigned long>(bytes.size()));
  jpeg_read_header(&info, TRUE);
  info.out_color_space = info.jpeg_color_space == JCS_GRAYSCALE ? JCS_GRAYSCALE : JCS_RGB;
  if (uint64_t{info.image_width} * info.image_height * 3 > kMaximumImageBytes) {
    std::snprintf(message, JMSG_LENGTH_MAX, "%ux%u pixels is too large", info.image_width,
                  info.image_height);
    jpeg_destroy_decompress(&info);
    return false;
  }
  info.mem->max_memory_to_use = kMaximumJpegWorkingBytes;
  jpeg_start_decompress(&info);
  image->channels = info.output_components;
  image->height = info.output_height;
  image->width = info.output_width;
  // The buffer grows with the rows actually decoded, and decoding stops at the
  // first corrupt-data warning: a few hundred bytes announcing a 600 MB image
  // cost a few rows, not the whole allocation.
  const size_t stride = static_cast<size_t>(image->channels * image->width);
  const size_t total = stride * static_cast<size_t>(image->height);
  while (info.output_scanline < info.output_height && handler.warnings == 0) {
    const size_t end = (static_cast<size_t>(info.output_scanline) + 1) * stride;
    if (end > image->pixels.capacity()) {
      image->pixels.reserve(std::min(total, std::max(end, 2 * image->pixels.capacity())));
    }
    image->pixels.resize(end);
    JSAMPROW row = image->pixels.data() + info.output_scanline * stride;
    jpeg_read_scanlines(&info, &row, 1);
  }
  if (handler.warnings > 0) {
    // Corrupt data: the caller throws; finishing would read on through garbage.
    jpeg_destroy_decompress(&info);
    *warnings = handler.warnings;
    std::memcpy(message, handler.message, JMSG_LENGTH_MAX);
    return true;
  }
  jpeg_finish_decompress(&info);
  jpeg_destroy_decompress(&info);
  *warnings = handler.warnings;
  std::memcpy(message, handler.message, JMSG_LENGTH_MAX);
  return true;
}

}  // namespace

Image decode_jpeg(const std::vector<uint8_t>& bytes, const std::filesystem::path& path) {
  Image image;
  char message[JMSG_LENGTH_MAX] = {};
  int warnings = 0;
  if (!decode_jpeg_into(bytes, &image, message, &warnings)) {
    throw DatasetError("JPEG file " + path.string() + ": cannot decode (" + message + ")");
  }
  if (warnings > 0) {
    throw DatasetError("JPEG file " + path.string() + ": corrupt data (" + message + ")");
  }
  return image;
}

Image decode_png(const std::vector<uint8_t>& bytes, const std::filesystem::path& path) {
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&png, bytes.data(), bytes.size())) {
    const std::string reason = png.message;
    png_image_free(&png);
    throw DatasetError("PNG file " + path.string() + ": cannot decode (" + reason + ")");
  }
  if (uint64_t{png.width} * png.height * 3 > kMaximumImageBytes) {
    png_image_free(&png);
    throw DatasetError("PNG file " + path.string() + ": " + std::to_string(png.width) + "x" +
                       std::to_string(png.height) + " pixels is too large");
  }
  // Keep colour or gray as stored; alpha is composited onto the zeroed buffer (black).
  png.format = (png.format & PNG_FORMAT_FLAG_COLOR) != 0 ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
  Image image;
  image.channels = PNG_IMAGE_PIXEL_CHANNELS(png.format);
  image.height = png.height;
  image.width = png.width;
  image.pixels.assign(PNG_IMAGE_SIZE(png), 0);
  if (!png_image_finish_read(&png, nullptr, image.pixels.data(), 0, nullptr)) {
    const std::string reason = png.message;
    png_image_free(&png);
    throw DatasetError("PNG file " + path.string() + ": cannot decode (" + reason + ")");
  }
  return image;
}

namespace {

// Kept out of encode_jpeg so the FILE* and libjpeg state are plain C objects
// in the frame that calls setjmp().
bool write_jpeg_stream(std::FILE* file, const Image& image, int quality, char* message) {
  jpeg_compress_struct info;
  JpegErrorHandler handler;
  info.err = jpeg_std_error(&handler.manager);
  handler.manager.error_exit = jpeg_fail;
  handler.warnings = 0;
  if (setjmp(handler.jump) != 0) {
    std::memcpy(message, handler.message, JMSG_LENGTH_MAX);
    jpeg_destroy_compress(&info);
    return false;
  }
  jpeg_create_compress(&info);
  jpeg_stdio_dest(&info, file);
  info.image_width = static_cast<JDIMENSION>(image.width);
  info.image_height = static_cast<JDIMENSION>(image.height);
  info.input_components = static_cast<int>(image.channels);
  info.in_color_space = image.channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults(&info);
  jpeg_set_quality(&info, quality, TRUE);
  jpeg_start_compress(&info, TRUE);
  const size_t stride = static_cast<size_t>(image.channels * image.width);
  while (info.next_scanline < info.image_height) {
    JSAMPROW row = const_cast<JSAMPLE*>(image.pixels.data() + info.next_scanline * stride);
    jpeg_write_scanlines(&info, &row, 1);
  }
  jpeg_finish_compress(&info);
  jpeg_destroy_compress(&info);
  return true;
}

}  // namespace

void encode_jpeg(const std::filesystem::path& path, const Image& image, int quality) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) throw DatasetError("JPEG file " + path.string() + ": cannot create");
  char message[JMSG_LENGTH_MAX] = {};
  const bool written = write_jpeg_stream(file, image, quality, message);
  const bool closed = std::fclose(file) == 0;
  if (!written)
    throw DatasetError("JPEG file " + path.string() + ": cannot encode (" + message + ")");
  if (!closed) throw DatasetError("JPEG file " + path.string() + ": write error");
}

void encode_png(const std::filesystem::path& path, const Image& image) {
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  png.width = static_cast<png_uint_32>(image.width);
  png.height = static_cast<png_uint_32>(image.height);
  png.format = image.channels == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
  if (!png_image_write_to_file(&png, path.c_str(), 0, image.pixels.data(), 0, nullptr)) {
    const std::string reason = png.message;
    png_image_free(&png);
    throw DatasetError("PNG file " + path.string() + ": cannot encode (" + reason + ")");
  }
}

}  // namespace pinas::train::data::detail
