// Calibration file text (what `pinas calibrate` writes and `pinas cost`,
// `pinas search` read) -> pb::PiCalibration and the PiCostModel built on it:
// a clean pinas::Error naming the origin and line or field, or a model whose
// predicted cost of a small fixed network is a number >= 0 (not NaN).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "cost_models/pi_cost_model.h"
#include "proto/error.h"
#include "search_spaces/architecture_io.h"
#include "search_spaces/presets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const pinas::spaces::Architecture network = pinas::spaces::make_preset("cryptonas-fmnist");
  try {
    pinas::pb::PiCalibration calibration;
    pinas::spaces::parse_text_message(std::string(reinterpret_cast<const char*>(data), size),
                                      "fuzz input", calibration);
    const pinas::cost::PiCostModel model(calibration);
    const auto estimate = model.estimate(network);
    if (std::isnan(estimate.cost) || estimate.cost < 0) __builtin_trap();
  } catch (const pinas::Error&) {
  }
  return 0;
}
