// A gzipped dataset file is inflated only up to a cap: a gzip bomb (here
// 16 MiB of zeros in ~16 kB) is refused naming the file, as soon as the
// output passes the cap, instead of being allocated whole.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "train/data/dataset_error.h"
#include "train/data/detail/file_bytes.h"

namespace pinas::train::data {
namespace {

namespace fs = std::filesystem;

TEST(GzipCap, RefusesAStreamInflatingPastTheCapAndReadsOneBelowIt) {
  const fs::path folder =
      fs::temp_directory_path() / ("pinas_gzip_cap_" + std::to_string(::getpid()));
  fs::create_directories(folder);
  const fs::path bomb = folder / "bomb.idx.gz";
  const std::string command = "head -c 16777216 /dev/zero | gzip -9 > '" + bomb.string() + "'";
  if (std::system(command.c_str()) != 0 || fs::file_size(bomb) == 0) {
    fs::remove_all(folder);
    GTEST_SKIP() << "skipped: the gzip tool is absent";
  }
  EXPECT_LT(fs::file_size(bomb), 64u * 1024);
  try {
    detail::read_possibly_gzipped(bomb, std::size_t{4} << 20);
    ADD_FAILURE() << "a 16 MiB stream passed a 4 MiB cap";
  } catch (const DatasetError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find(bomb.string()), std::string::npos) << message;
    EXPECT_NE(message.find("inflates past the cap of 4194304 bytes"), std::string::npos) << message;
  }
  EXPECT_EQ(detail::read_possibly_gzipped(bomb, std::size_t{16} << 20).size(),
            std::size_t{16} << 20);
  EXPECT_EQ(detail::read_possibly_gzipped(bomb).size(),
            std::size_t{16} << 20);  // the 2 GiB default
  fs::remove_all(folder);
}

}  // namespace
}  // namespace pinas::train::data
