#pragma once

#include <string>

#include "proto/experiment.pb.h"

namespace pinas::nas {

// For `strategy { kind: ENAS }`: fills every unset field of strategy.enas
// with CryptoNAS' value (proto/experiment.proto) and checks the experiment
// can run it: space "cryptonas", source TRAINING, cost RELUS, sane ranges.
// Throws ConfigError naming `origin` and the field. Refuses strategy.enas
// for other kinds. Idempotent. Thread-safe.
void complete_enas_options(pb::ExperimentConfig& config, const std::string& origin);

}  // namespace pinas::nas
