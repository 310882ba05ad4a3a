#pragma once

#include <string>
#include <vector>

namespace pinas::nas {

// One point of a plot: position, and the hover text (SVG <title>).
struct PlotPoint {
  double x = 0.0;  // > 0 (the x axis is logarithmic)
  double y = 0.0;
  std::string title;
};

// A named set of points drawn in one colour; `front` joins them by a step line
// in x order (a Pareto front), otherwise they are a scatter.
struct PlotSeries {
  std::string name;   // in the legend
  std::string colour; // any SVG colour
  bool front = false;
  double radius = 4.0;
  std::vector<PlotPoint> points;
};

struct PlotAxes {
  std::string title;   // above the plot
  std::string x_title; // e.g. "ReLUs (log scale)"
  std::string y_title; // e.g. "test accuracy"
  bool x_seconds = false;  // tick labels as seconds instead of counts
};

// A self-contained SVG of `series` on a log-scaled x axis with a tick label at
// every decade (1e3 as "1K", 1e6 as "1M"; seconds as "1 ms", "10 s"), a linear y
// axis with five labelled ticks, axis titles, a legend and hover titles on
// every point. The one renderer of pinas' fronts (`pinas pareto --plot`,
// `pinas reduce`). Points with x ≤ 0 are drawn at the axis' left end.
// Thread-safe (pure).
std::string render_front_svg(const PlotAxes& axes, const std::vector<PlotSeries>& series);

// Escapes &, <, > and " for SVG text and attributes.
std::string escape_xml(const std::string& text);

}  // namespace pinas::nas
