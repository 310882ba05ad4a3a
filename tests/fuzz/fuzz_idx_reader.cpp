// IDX bytes -> IdxArray (1 and 3 dimensions, as the label and image files):
// a clean pinas::Error, or an array whose dimensions multiply to its size.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "proto/error.h"
#include "train/data/idx_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  for (std::size_t dimensions : {std::size_t{1}, std::size_t{3}}) {
    try {
      const auto array = pinas::train::data::parse_idx(std::vector<std::uint8_t>(data, data + size),
                                                       dimensions, "fuzz input");
      std::uint64_t product = 1;
      for (auto dimension : array.dimensions) product *= dimension;
      if (array.dimensions.size() != dimensions || product != array.values.size()) __builtin_trap();
    } catch (const pinas::Error&) {
    }
  }
  return 0;
}
