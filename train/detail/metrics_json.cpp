#include "train/detail/metrics_json.h"

#include <cmath>

namespace pinas::train::detail {

nlohmann::json finite_or_null(double value) {
  return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

namespace {
double number_or_nan(const nlohmann::json& document, const char* key) {
  const auto& value = document.at(key);
  return value.is_null() ? std::nan("") : value.get<double>();
}
}  // namespace

nlohmann::json metrics_to_json(const EpochMetrics& metrics) {
  return {{"epoch", metrics.epoch},
          {"train_loss", finite_or_null(metrics.train_loss)},
          {"train_accuracy", finite_or_null(metrics.train_accuracy)},
          {"val_accuracy", finite_or_null(metrics.val_accuracy)},
          {"learning_rate", finite_or_null(metrics.learning_rate)},
          {"images_per_s", finite_or_null(metrics.images_per_s)},
          {"seconds", finite_or_null(metrics.seconds)}};
}

EpochMetrics metrics_from_json(const nlohmann::json& document) {
  EpochMetrics metrics;
  metrics.epoch = document.at("epoch").get<int>();
  metrics.train_loss = number_or_nan(document, "train_loss");
  metrics.train_accuracy = number_or_nan(document, "train_accuracy");
  metrics.val_accuracy = number_or_nan(document, "val_accuracy");
  metrics.learning_rate = number_or_nan(document, "learning_rate");
  metrics.images_per_s = number_or_nan(document, "images_per_s");
  metrics.seconds = number_or_nan(document, "seconds");
  return metrics;
}

nlohmann::json result_to_json(const TrainingResult& result) {
  nlohmann::json history = nlohmann::json::array();
  for (const auto& metrics : result.history) history.push_back(metrics_to_json(metrics));
  return {{"name", result.name},
          {"status", to_string(result.status)},
          {"failure_reason", result.failure_reason},
          {"epochs", result.epochs_completed},
          {"val_accuracy", finite_or_null(result.val_accuracy)},
          {"test_accuracy", finite_or_null(result.test_accuracy)},
          {"final_train_loss", finite_or_null(result.final_train_loss)},
          {"relus", result.relus},
          {"parameters", result.parameters},
          {"images_per_s", finite_or_null(result.images_per_s)},
          {"wall_seconds", finite_or_null(result.wall_seconds)},
          {"checkpoint", result.checkpoint.string()},
          {"history", history}};
}

}  // namespace pinas::train::detail
