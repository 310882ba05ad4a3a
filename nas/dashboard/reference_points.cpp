#include "nas/dashboard/reference_points.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "nas/dashboard/dashboard_error.h"
#include "nas/dashboard/detail/page_assets.h"

namespace pinas::nas {

std::vector<ReferencePoint> parse_reference_points(const std::string& text,
                                                   const std::string& origin) {
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& error) {
    throw DashboardError(fmt::format("{}: not JSON ({})", origin, error.what()));
  }
  if (!document.is_object() || !document.contains("points") || !document["points"].is_array())
    throw DashboardError(fmt::format("{}: expected an object with a \"points\" list", origin));
  std::vector<ReferencePoint> points;
  std::size_t index = 0;
  for (const auto& entry : document["points"]) {
    ReferencePoint point;
    try {
      point.method = entry.at("method").get<std::string>();
      point.source = entry.at("source").get<std::string>();
      point.dataset = entry.at("dataset").get<std::string>();
      point.relus = entry.at("relus").get<std::int64_t>();
      point.accuracy = entry.at("accuracy").get<double>();
    } catch (const nlohmann::json::exception& error) {
      throw DashboardError(fmt::format("{}: points[{}]: {}", origin, index, error.what()));
    }
    if (point.relus < 0)
      throw DashboardError(fmt::format("{}: points[{}]: negative relus", origin, index));
    if (!(point.accuracy >= 0 && point.accuracy <= 1))
      throw DashboardError(fmt::format("{}: points[{}]: accuracy {} is not a fraction in [0, 1]",
                                       origin, index, point.accuracy));
    points.push_back(std::move(point));
    ++index;
  }
  return points;
}

const char* published_reference_text() {
  return detail::kPublishedReferencePoints;
}

std::string dataset_family(const std::string& dataset_name) {
  return dataset_name.substr(0, dataset_name.find(':'));
}

}  // namespace pinas::nas
