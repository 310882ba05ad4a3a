#pragma once

#include <nlohmann/json.hpp>

#include "train/training_job.h"

// JSON forms of the trainer's records, shared by the checkpoint, the JSONL
// log and the CLI so the three agree on field names.
namespace pinas::train::detail {

// {"epoch", "train_loss", "train_accuracy", "val_accuracy", "learning_rate",
//  "images_per_s", "seconds"}; a NaN becomes null.
nlohmann::json metrics_to_json(const EpochMetrics& metrics);
EpochMetrics metrics_from_json(const nlohmann::json& document);

// The result with its history; NaNs become null.
nlohmann::json result_to_json(const TrainingResult& result);

// A number, or null when it is not finite.
nlohmann::json finite_or_null(double value);

}  // namespace pinas::train::detail
