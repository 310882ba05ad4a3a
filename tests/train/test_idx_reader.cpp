// The one IDX parser against crafted files: dimensions whose product wraps
// past 2^64 (it used to wrap to the payload size and pass), dimensions larger
// than the file, and a valid file parsed exactly.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "train/data/dataset_error.h"
#include "train/data/idx_reader.h"

namespace pinas::train::data {
namespace {

namespace fs = std::filesystem;

std::vector<uint8_t> idx_header(uint32_t magic, std::initializer_list<uint32_t> dimensions) {
  std::vector<uint8_t> bytes;
  auto append = [&](uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8)
      bytes.push_back(static_cast<uint8_t>(value >> shift));
  };
  append(magic);
  for (uint32_t dimension : dimensions) append(dimension);
  return bytes;
}

class IdxFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = fs::temp_directory_path() /
              ("pinas-idx-" + std::to_string(::getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(folder_);
    fs::create_directories(folder_);
  }
  void TearDown() override { fs::remove_all(folder_); }

  fs::path write(const std::string& name, const std::vector<uint8_t>& bytes) {
    const fs::path path = folder_ / name;
    std::ofstream stream(path, std::ios::binary);
    stream.write(reinterpret_cast<const char*>(bytes.data()),
                 static_cast<std::streamsize>(bytes.size()));
    return path;
  }

  // Runs `read` and returns the DatasetError's message ("" if none was thrown).
  template <typename Read>
  static std::string error_of(Read read) {
    try {
      read();
    } catch (const DatasetError& error) {
      return error.what();
    }
    return "";
  }

  fs::path folder_;
};

TEST_F(IdxFiles, DimensionsWrappingPast64BitsAreRefusedNamingTheFile) {
  // 4 x 2^31 x 2^31 = 2^64 wraps to 0, which is exactly the payload present.
  const fs::path images = write("wrapped-images", idx_header(0x803, {4, 0x80000000u, 0x80000000u}));
  std::vector<uint8_t> label_bytes = idx_header(0x801, {4});
  for (uint8_t label : {0, 1, 2, 3}) label_bytes.push_back(label);
  const fs::path labels = write("labels", label_bytes);
  const std::string message = error_of([&] {
    read_idx_dataset(images, labels, {"a", "b", "c", "d"}, "crafted");
  });
  EXPECT_NE(message.find(images.string()), std::string::npos) << message;
  EXPECT_NE(message.find("4 x 2147483648 x 2147483648 multiply past 2^64"), std::string::npos)
      << message;
  // 2^32-1 cubed overflows too, with a payload that does not match anyway.
  std::vector<uint8_t> cubed = idx_header(0x803, {0xffffffffu, 0xffffffffu, 0xffffffffu});
  cubed.resize(cubed.size() + 7);
  EXPECT_NE(error_of([&] { read_idx_file(write("cubed", cubed), 3); }).find("multiply past 2^64"),
            std::string::npos);
}

TEST_F(IdxFiles, DimensionsLargerThanTheFileAreRefusedBeforeAllocating) {
  // 60,000 images of 2^16 x 2^16 would be 2^48 bytes; the file has 10.
  std::vector<uint8_t> bytes = idx_header(0x803, {60000, 65536, 65536});
  bytes.resize(bytes.size() + 10, 7);
  const fs::path path = write("huge", bytes);
  const std::string message = error_of([&] { read_idx_file(path, 3); });
  EXPECT_NE(message.find("IDX file " + path.string() + ": 26 bytes, expected 257698037760016"),
            std::string::npos)
      << message;
  // A header cut short names the file and the dimension count.
  const fs::path cut = write("cut", idx_header(0x803, {1, 2}));
  EXPECT_NE(error_of([&] { read_idx_file(cut, 3); }).find(cut.string() + ": truncated header"),
            std::string::npos);
  // A dimension count that IDX cannot express is refused, not read.
  EXPECT_NE(error_of([&] { parse_idx({}, 0, "nothing"); }).find("0 dimensions"), std::string::npos);
}

TEST_F(IdxFiles, ValidFileParsesExactly) {
  std::vector<uint8_t> bytes = idx_header(0x803, {2, 3, 1});
  for (uint8_t value = 10; value < 16; ++value) bytes.push_back(value);
  const IdxArray array = read_idx_file(write("valid", bytes), 3);
  EXPECT_EQ(array.dimensions, (std::vector<uint32_t>{2, 3, 1}));
  EXPECT_EQ(array.values, (std::vector<uint8_t>{10, 11, 12, 13, 14, 15}));
  // Zero images is a valid (empty) array.
  const IdxArray empty = parse_idx(idx_header(0x801, {0}), 1, "empty");
  EXPECT_EQ(empty.dimensions, (std::vector<uint32_t>{0}));
  EXPECT_TRUE(empty.values.empty());
}

}  // namespace
}  // namespace pinas::train::data
