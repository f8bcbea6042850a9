#include "io/svg.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace ketapath::io {
namespace {

constexpr double kWidth = 720.0;
constexpr double kHeight = 440.0;
constexpr double kLeft = 70.0;
constexpr double kRight = 200.0;  // room for the legend
constexpr double kTop = 40.0;
constexpr double kBottom = 60.0;
constexpr const char* kPalette[] = {"#1b6ca8", "#d1495b", "#2e8b57", "#edae49",
                                    "#6a4c93", "#00798c", "#8d6e63", "#555555"};

const char* colour(std::size_t i) {
  return kPalette[i % std::size(kPalette)];
}

using Range = core::AxisRange;
using core::svg_mark;

std::string px(double v) {
  return core::svg_pixel(v);
}

std::string num(double v) {
  return core::svg_number(v);
}

core::Chart canvas(std::string_view title) {
  core::Chart chart{.width = kWidth,
                    .height = kHeight,
                    .attributes = {{"font-family", "sans-serif"}, {"font-size", "12"}},
                    .marks = {}};
  chart.marks.push_back(
      svg_mark("rect", {{"width", "100%"}, {"height", "100%"}, {"fill", "white"}}));
  chart.marks.push_back(svg_mark(
      "text", {{"x", num(kLeft)}, {"y", "24"}, {"font-size", "15"}, {"font-weight", "bold"}},
      std::string(title)));
  return chart;
}

// Axes, grid and labels; appends the marks and sets the tick-extended ranges.
void axes(core::Chart& chart, Range& x, Range& y, std::string_view x_label,
          std::string_view y_label, bool x_ticks) {
  const double plot_w = kWidth - kLeft - kRight;
  const double plot_h = kHeight - kTop - kBottom;
  auto& out = chart.marks;
  const auto yt = nice_ticks(y.lo, y.hi);
  y.lo = std::min(y.lo, yt.front());
  y.hi = std::max(y.hi, yt.back());
  for (double t : yt) {
    const double py = kTop + plot_h * (1.0 - (t - y.lo) / (y.hi - y.lo));
    out.push_back(svg_mark("line", {{"x1", px(kLeft)},
                                    {"y1", px(py)},
                                    {"x2", px(kLeft + plot_w)},
                                    {"y2", px(py)},
                                    {"stroke", "#e0e0e0"}}));
    out.push_back(svg_mark("text",
                           {{"x", px(kLeft - 6)}, {"y", px(py + 4)}, {"text-anchor", "end"}},
                           core::tick_text(t)));
  }
  if (x_ticks) {
    const auto xt = nice_ticks(x.lo, x.hi);
    x.lo = std::min(x.lo, xt.front());
    x.hi = std::max(x.hi, xt.back());
    for (double t : xt) {
      const double p = kLeft + plot_w * (t - x.lo) / (x.hi - x.lo);
      out.push_back(svg_mark("line", {{"x1", px(p)},
                                      {"y1", px(kTop)},
                                      {"x2", px(p)},
                                      {"y2", px(kTop + plot_h)},
                                      {"stroke", "#e0e0e0"}}));
      out.push_back(
          svg_mark("text", {{"x", px(p)}, {"y", px(kTop + plot_h + 16)}, {"text-anchor", "middle"}},
                   core::tick_text(t)));
    }
  }
  out.push_back(svg_mark("rect", {{"x", num(kLeft)},
                                  {"y", num(kTop)},
                                  {"width", num(plot_w)},
                                  {"height", num(plot_h)},
                                  {"fill", "none"},
                                  {"stroke", "#333"}}));
  out.push_back(svg_mark(
      "text", {{"x", num(kLeft + plot_w / 2)}, {"y", num(kHeight - 18)}, {"text-anchor", "middle"}},
      std::string(x_label)));
  out.push_back(svg_mark("text",
                         {{"x", "16"},
                          {"y", num(kTop + plot_h / 2)},
                          {"text-anchor", "middle"},
                          {"transform", fmt::format("rotate(-90 16 {})", kTop + plot_h / 2)}},
                         std::string(y_label)));
}

}  // namespace

core::Chart chart_of(const LinePlot& plot) {
  Range x;
  Range y;
  for (const Series& s : plot.series) {
    for (double v : s.x)
      x.add(v);
    for (const auto* values : {&s.y, &s.lo, &s.hi}) {
      for (double v : *values)
        y.add(v);
    }
  }
  x.settle();
  y.settle();
  core::Chart chart = canvas(plot.title);
  axes(chart, x, y, plot.x_label, plot.y_label, true);
  auto& out = chart.marks;
  const double plot_w = kWidth - kLeft - kRight;
  const double plot_h = kHeight - kTop - kBottom;
  const auto sx = [&](double v) {
    return kLeft + plot_w * (v - x.lo) / (x.hi - x.lo);
  };
  const auto sy = [&](double v) {
    return kTop + plot_h * (1.0 - (v - y.lo) / (y.hi - y.lo));
  };
  for (std::size_t i = 0; i < plot.series.size(); ++i) {
    const Series& s = plot.series[i];
    if (s.lo.size() == s.x.size() && s.hi.size() == s.x.size() && !s.x.empty()) {
      std::string points;
      for (std::size_t j = 0; j < s.x.size(); ++j) {
        if (std::isfinite(s.hi[j]))
          points += fmt::format("{:.1f},{:.1f} ", sx(s.x[j]), sy(s.hi[j]));
      }
      for (std::size_t j = s.x.size(); j-- > 0;) {
        if (std::isfinite(s.lo[j]))
          points += fmt::format("{:.1f},{:.1f} ", sx(s.x[j]), sy(s.lo[j]));
      }
      out.push_back(svg_mark(
          "polygon",
          {{"points", points}, {"fill", colour(i)}, {"fill-opacity", "0.18"}, {"stroke", "none"}}));
    }
    std::string path;
    bool pen_down = false;
    for (std::size_t j = 0; j < s.x.size() && j < s.y.size(); ++j) {
      if (!std::isfinite(s.y[j]) || !std::isfinite(s.x[j])) {
        pen_down = false;
        continue;
      }
      path += fmt::format("{}{:.1f},{:.1f} ", pen_down ? "L" : "M", sx(s.x[j]), sy(s.y[j]));
      pen_down = true;
      out.push_back(svg_mark(
          "circle",
          {{"cx", px(sx(s.x[j]))}, {"cy", px(sy(s.y[j]))}, {"r", "2.5"}, {"fill", colour(i)}}));
    }
    out.push_back(svg_mark(
        "path", {{"d", path}, {"fill", "none"}, {"stroke", colour(i)}, {"stroke-width", "2"}}));
    const double ly = kTop + 10 + 18.0 * static_cast<double>(i);
    out.push_back(svg_mark("line", {{"x1", px(kWidth - kRight + 12)},
                                    {"y1", px(ly)},
                                    {"x2", px(kWidth - kRight + 32)},
                                    {"y2", px(ly)},
                                    {"stroke", colour(i)},
                                    {"stroke-width", "3"}}));
    out.push_back(svg_mark("text", {{"x", px(kWidth - kRight + 38)}, {"y", px(ly + 4)}}, s.name));
  }
  return chart;
}

core::Chart chart_of(const BarChart& bars) {
  Range x{0.0, 1.0};
  Range y;
  y.add(0.0);
  for (const Bar& b : bars.bars) {
    y.add(b.value);
    y.add(b.lo);
    y.add(b.hi);
  }
  y.settle();
  core::Chart chart = canvas(bars.title);
  axes(chart, x, y, "", bars.y_label, false);
  auto& out = chart.marks;
  const double plot_w = kWidth - kLeft - kRight;
  const double plot_h = kHeight - kTop - kBottom;
  const auto sy = [&](double v) {
    return kTop + plot_h * (1.0 - (v - y.lo) / (y.hi - y.lo));
  };
  const double slot = plot_w / static_cast<double>(std::max<std::size_t>(1, bars.bars.size()));
  for (std::size_t i = 0; i < bars.bars.size(); ++i) {
    const Bar& b = bars.bars[i];
    const double cx = kLeft + slot * (static_cast<double>(i) + 0.5);
    const double w = slot * 0.6;
    if (std::isfinite(b.value)) {
      const double top = sy(std::max(0.0, b.value));
      const double bottom = sy(std::min(0.0, b.value));
      out.push_back(svg_mark("rect", {{"x", px(cx - w / 2)},
                                      {"y", px(top)},
                                      {"width", px(w)},
                                      {"height", px(bottom - top)},
                                      {"fill", colour(0)}}));
    }
    if (std::isfinite(b.lo) && std::isfinite(b.hi)) {
      out.push_back(svg_mark(
          "path",
          {{"d", fmt::format("M{0:.1f},{1:.1f} L{0:.1f},{2:.1f} M{3:.1f},{1:.1f} L{4:.1f},{1:.1f} "
                             "M{3:.1f},{2:.1f} L{4:.1f},{2:.1f}",
                             cx, sy(b.lo), sy(b.hi), cx - w / 5, cx + w / 5)},
           {"stroke", "#333"},
           {"stroke-width", "1.5"}}));
    }
    out.push_back(svg_mark("text",
                           {{"x", px(cx)},
                            {"y", px(kHeight - kBottom + 16)},
                            {"text-anchor", "middle"},
                            {"font-size", "10"}},
                           b.label));
  }
  return chart;
}

std::string render_svg(const LinePlot& plot) {
  return core::render_svg(chart_of(plot));
}

std::string render_svg(const BarChart& chart) {
  return core::render_svg(chart_of(chart));
}

}  // namespace ketapath::io
