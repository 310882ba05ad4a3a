#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pinas::nas {

// One published (ReLUs, accuracy) result of another method, overlaid on the
// dashboard's front for comparison.
struct ReferencePoint {
  std::string method;   // "SNL", "CryptoNAS", ...: one legend entry per method
  std::string source;   // what the label says: paper, configuration, "(plot)" if read off a figure
  std::string dataset;  // "cifar10", "cifar100", "tiny-imagenet", "fashion-mnist"
  std::int64_t relus = 0;
  double accuracy = 0;  // a fraction, like the store's accuracies
};

// Parses a reference-points document ({"points": [{"method", "source",
// "dataset", "relus", "accuracy"}, ...]}, the format of
// experiments/reference_fronts/published.json). Throws DashboardError naming
// `origin` and the point's index for malformed JSON, a missing field, a
// negative ReLU count or an accuracy outside [0, 1]. Thread-safe.
std::vector<ReferencePoint> parse_reference_points(const std::string& text,
                                                   const std::string& origin);

// The text of experiments/reference_fronts/published.json, embedded into the
// binary when it was built (the figures of ../shared/docs/methods.md).
const char* published_reference_text();

// The dataset family of a DatasetConfig name: "cifar10:DIR" -> "cifar10",
// "fashion-mnist" -> "fashion-mnist"; "" for the synthetic space's empty name.
std::string dataset_family(const std::string& dataset_name);

}  // namespace pinas::nas
