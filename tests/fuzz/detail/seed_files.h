#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace pinas::fuzz {

// Seeds are valid inputs made by the code itself. A harness writes its own
// when run with PINAS_FUZZ_WRITE_SEEDS set (and -runs=0) from the source
// tree's root; its LLVMFuzzerInitialize calls these.
inline bool writing_seeds() {
  return std::getenv("PINAS_FUZZ_WRITE_SEEDS") != nullptr;
}

// Writes tests/fuzz/corpus/<harness>/<name>; traps when it cannot (a seed
// writer that silently wrote nothing would leave CI without seeds).
inline void write_seed(const std::string& harness, const std::string& name,
                       std::string_view bytes) {
  const std::filesystem::path folder = std::filesystem::path("tests/fuzz/corpus") / harness;
  std::filesystem::create_directories(folder);
  std::ofstream out(folder / name, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) __builtin_trap();
}

}  // namespace pinas::fuzz
