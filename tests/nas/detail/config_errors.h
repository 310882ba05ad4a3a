#pragma once

#include <string>

#include "nas/config/experiment_config.h"

namespace pinas::nas::test_support {

// The message parse_experiment_config gives `text` (read as if from
// "exp.textproto"), or "" when the config is valid.
inline std::string config_error_of(const std::string& text) {
  try {
    parse_experiment_config(text, "exp.textproto");
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

}  // namespace pinas::nas::test_support
