#include "train/reduction/detail/reduction_state.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "proto/error.h"

namespace pinas::train::detail {

double ReductionState::total_seconds() const {
  return elapsed_seconds +
         std::chrono::duration<double>(std::chrono::steady_clock::now() - clock_start).count();
}

std::string ReductionState::to_json() const {
  return nlohmann::json{{"phase", phase},
                        {"epoch", epoch},
                        {"step", step},
                        {"lambda", lambda},
                        {"min_count", min_count},
                        {"live", live},
                        {"best_val", best_val},
                        {"mask_epochs", mask_epochs},
                        {"elapsed_seconds", total_seconds()}}
      .dump();
}

ReductionState ReductionState::from_json(const std::string& text, const std::string& where) {
  try {
    const auto document = nlohmann::json::parse(text);
    ReductionState state;
    state.phase = document.at("phase").get<std::string>();
    state.epoch = document.at("epoch").get<int>();
    state.step = document.at("step").get<int64_t>();
    state.lambda = document.at("lambda").get<double>();
    state.min_count = document.at("min_count").get<int64_t>();
    state.live = document.at("live").get<int64_t>();
    state.best_val = document.at("best_val").get<double>();
    state.mask_epochs = document.at("mask_epochs").get<int>();
    state.elapsed_seconds = document.value("elapsed_seconds", 0.0);  // absent before it existed
    if (!std::isfinite(state.elapsed_seconds) || state.elapsed_seconds < 0) {
      throw Error(where + ": elapsed_seconds must be a finite number of seconds >= 0");
    }
    state.clock_start = std::chrono::steady_clock::now();
    if (state.phase != "mask" && state.phase != "finetune" && state.phase != "done") {
      throw Error(where + ": unknown phase '" + state.phase + "'");
    }
    return state;
  } catch (const nlohmann::json::exception& error) {
    throw Error(where + ": not a reduction state (" + error.what() + ")");
  }
}

}  // namespace pinas::train::detail
