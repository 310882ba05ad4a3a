// Architecture text and binary (protobuf) -> Architecture: a clean
// pinas::Error, or a graph whose text and binary forms decode back to an
// equal architecture and which analyze() accounts or refuses cleanly (every
// consumer analyzes before use).
#include <cstddef>
#include <cstdint>
#include <string>

#include "proto/error.h"
#include "search_spaces/architecture_io.h"
#include "search_spaces/cost_report.h"
#include "search_spaces/presets.h"
#include "tests/fuzz/detail/seed_files.h"

namespace {

void check_round_trips(const pinas::spaces::Architecture& architecture) {
  using namespace pinas::spaces;
  if (!(from_binary(to_binary(architecture), "re-encoded") == architecture)) __builtin_trap();
  if (!(from_text_format(to_text_format(architecture), "re-printed") == architecture))
    __builtin_trap();
  analyze(architecture);
}

}  // namespace

// Seeds: two presets in text and binary form.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (!pinas::fuzz::writing_seeds()) return 0;
  for (const char* preset : {"cryptonas-fmnist", "nb201-resnet"}) {
    const auto architecture = pinas::spaces::make_preset(preset);
    pinas::fuzz::write_seed("fuzz_architecture", std::string(preset) + ".textproto",
                            pinas::spaces::to_text_format(architecture));
    pinas::fuzz::write_seed("fuzz_architecture", std::string(preset) + ".pb",
                            pinas::spaces::to_binary(architecture));
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    check_round_trips(pinas::spaces::from_text_format(bytes, "fuzz input"));
  } catch (const pinas::Error&) {
  }
  try {
    check_round_trips(pinas::spaces::from_binary(bytes, "fuzz input"));
  } catch (const pinas::Error&) {
  }
  return 0;
}
