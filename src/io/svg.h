#pragma once
// Trial figures: line plots with shaded interval bands, and bar charts with interval whiskers,
// laid out as a core::Chart (the one chart description) and written by core::render_svg (the one
// SVG writer). Output is a complete standalone SVG document (UTF-8).
//
// Example:
//   io::LinePlot plot{.title = "Reduction", .x_label = "h", .y_label = "fraction"};
//   plot.series.push_back({.name = "1 mg/kg", .x = {0, 1, 2}, .y = {0, .4, .3},
//                          .lo = {0, .3, .2}, .hi = {0, .5, .4}});
//   std::string svg = io::render_svg(plot);

#include <string>
#include <vector>

#include "core/svg.h"

namespace ketapath::io {

struct Series {
  std::string name;
  std::vector<double> x;
  std::vector<double> y;   ///< NaN values break the line
  std::vector<double> lo;  ///< band lower edge (same length as x) or empty for no band
  std::vector<double> hi;  ///< band upper edge
};

struct LinePlot {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<Series> series;
};

struct Bar {
  std::string label;
  double value = 0.0;
  double lo = 0.0;  ///< whisker ends; NaN for none
  double hi = 0.0;
};

struct BarChart {
  std::string title;
  std::string y_label;
  std::vector<Bar> bars;
};

/// Axis ticks (core/svg.h; the nlme diagnostics use them too).
using core::nice_ticks;

/// The chart descriptions (core::Chart) of a line plot and a bar chart: the layout lives here,
/// the writing in core::render_svg.
core::Chart chart_of(const LinePlot& plot);
core::Chart chart_of(const BarChart& chart);

/// core::render_svg(chart_of(...)).
std::string render_svg(const LinePlot& plot);
std::string render_svg(const BarChart& chart);

}  // namespace ketapath::io
