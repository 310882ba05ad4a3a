// Experiment config text -> pb::ExperimentConfig: a clean pinas::Error
// (ConfigError naming the origin and line or field), or a validated config
// whose stored text form (what the trial store keeps) parses back to the same
// config. Calibration files named by a config are not read here: the fuzzer
// would otherwise read files of this machine.
#include <cstddef>
#include <cstdint>
#include <string>

#include "nas/config/experiment_config.h"
#include "proto/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (text.find("calibration_file") != std::string::npos) return 0;
  try {
    const auto config = pinas::nas::parse_experiment_config(text, "fuzz input");
    const std::string stored = pinas::nas::to_text(config);
    if (pinas::nas::to_text(pinas::nas::parse_experiment_config(stored, "stored")) != stored) {
      __builtin_trap();
    }
  } catch (const pinas::Error&) {
  }
  return 0;
}
