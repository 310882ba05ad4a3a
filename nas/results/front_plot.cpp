#include "nas/results/front_plot.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace pinas::nas {

namespace {

std::string count_label(int power) {
  static const char* const suffixes[] = {"", "0", "00", "K", "0K", "00K", "M", "0M", "00M", "G"};
  if (power >= 0 && power <= 9) return fmt::format("1{}", suffixes[power]);
  return fmt::format("1e{}", power);
}

std::string seconds_label(int power) {
  if (power >= 0) return fmt::format("{} s", static_cast<long long>(std::llround(std::pow(10.0, power))));
  if (power >= -3) return fmt::format("{} ms", static_cast<long long>(std::llround(std::pow(10.0, power + 3))));
  if (power >= -6) return fmt::format("{} µs", static_cast<long long>(std::llround(std::pow(10.0, power + 6))));
  return fmt::format("1e{} s", power);
}

}  // namespace

std::string escape_xml(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

std::string render_front_svg(const PlotAxes& axes, const std::vector<PlotSeries>& series) {
  const double width = 760, height = 500, left = 80, right = 30, top = 46, bottom = 64;
  double min_x = std::numeric_limits<double>::infinity(), max_x = 0, min_y = 1, max_y = 0;
  bool any = false;
  for (const auto& set : series) {
    for (const auto& point : set.points) {
      if (point.x > 0) {
        min_x = std::min(min_x, point.x);
        max_x = std::max(max_x, point.x);
      }
      min_y = std::min(min_y, point.y);
      max_y = std::max(max_y, point.y);
      any = true;
    }
  }
  if (!any || max_x <= 0) {
    min_x = axes.x_seconds ? 1e-3 : 1;
    max_x = min_x * 10;
  }
  if (!any) min_y = 0, max_y = 1;
  // Whole decades around the data, so every visible decade gets its label.
  const double log_low = std::floor(std::log10(min_x) - 0.02), log_high = std::ceil(std::log10(max_x) + 0.02);
  const double pad = std::max(0.01, (max_y - min_y) * 0.08);
  const double y_low = min_y - pad, y_high = max_y + pad;
  auto px = [&](double value) {
    const double logarithm = value > 0 ? std::log10(value) : log_low;
    return left + (logarithm - log_low) / std::max(1e-9, log_high - log_low) * (width - left - right);
  };
  auto py = [&](double value) { return top + (y_high - value) / (y_high - y_low) * (height - top - bottom); };

  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" font-family=\"sans-serif\" "
      "font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      "<text x=\"{}\" y=\"26\" font-size=\"15\">{}</text>\n",
      width, height, left, escape_xml(axes.title));
  svg += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"black\"/>\n", left, height - bottom,
                     width - right);
  svg += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"black\"/>\n", left, top,
                     height - bottom);
  for (int power = static_cast<int>(log_low); power <= static_cast<int>(log_high); ++power) {
    const double x = px(std::pow(10.0, power));
    svg += fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#ddd\"/>"
        "<text class=\"x-tick\" x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>\n",
        x, top, height - bottom, height - bottom + 16,
        escape_xml(axes.x_seconds ? seconds_label(power) : count_label(power)));
  }
  for (int tick = 0; tick <= 4; ++tick) {
    const double value = y_low + (y_high - y_low) * tick / 4.0;
    svg += fmt::format(
        "<line x1=\"{0}\" y1=\"{1:.1f}\" x2=\"{2}\" y2=\"{1:.1f}\" stroke=\"#eee\"/>"
        "<text class=\"y-tick\" x=\"{3}\" y=\"{4:.1f}\" text-anchor=\"end\">{5:.3f}</text>\n",
        left, py(value), width - right, left - 6, py(value) + 4, value);
  }
  svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", (left + width - right) / 2,
                     height - 20, escape_xml(axes.x_title));
  svg += fmt::format("<text x=\"18\" y=\"{0}\" transform=\"rotate(-90 18 {0})\" text-anchor=\"middle\">{1}</text>\n",
                     (top + height - bottom) / 2, escape_xml(axes.y_title));
  for (const auto& set : series) {
    if (set.front && set.points.size() > 1) {
      std::vector<PlotPoint> sorted = set.points;
      std::sort(sorted.begin(), sorted.end(), [](const PlotPoint& a, const PlotPoint& b) { return a.x < b.x; });
      std::string path;
      for (size_t i = 0; i < sorted.size(); ++i) {
        path += i == 0 ? fmt::format("M{:.1f},{:.1f}", px(sorted[i].x), py(sorted[i].y))
                       : fmt::format(" H{:.1f} V{:.1f}", px(sorted[i].x), py(sorted[i].y));
      }
      svg += fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\"/>\n", path,
                         escape_xml(set.colour));
    }
    for (const auto& point : set.points) {
      svg += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{}\" fill=\"{}\"><title>{}</title></circle>\n",
                         px(point.x), py(point.y), set.radius, escape_xml(set.colour), escape_xml(point.title));
    }
  }
  // Legend, top right.
  double legend_y = top + 8;
  for (const auto& set : series) {
    if (set.name.empty()) continue;
    svg += fmt::format(
        "<g class=\"legend\"><circle cx=\"{0}\" cy=\"{1:.1f}\" r=\"4\" fill=\"{2}\"/>"
        "<text x=\"{3}\" y=\"{4:.1f}\">{5}</text></g>\n",
        width - right - 190, legend_y, escape_xml(set.colour), width - right - 180, legend_y + 4,
        escape_xml(set.name));
    legend_y += 18;
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace pinas::nas
