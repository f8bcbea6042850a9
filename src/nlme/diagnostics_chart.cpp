// Layout of the VPC and goodness-of-fit charts (diagnostics.h) as core::Chart marks.

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include <fmt/format.h>

#include "nlme/diagnostics.h"

namespace ketapath::nlme {
namespace {

using core::svg_pixel;

using Range = core::AxisRange;
using core::svg_mark;
using core::tick_text;

/// One plotting area: pixel box, data ranges and axes.
class Panel {
 public:
  Panel(double left, double top, double width, double height, Range x, Range y)
      : left_(left), top_(top), width_(width), height_(height), x_(x), y_(y) {
    x_ticks_ = x_.settle_to_ticks();
    y_ticks_ = y_.settle_to_ticks();
  }

  [[nodiscard]] double px(double x) const { return left_ + (x - x_.lo) / (x_.hi - x_.lo) * width_; }

  [[nodiscard]] double py(double y) const {
    return top_ + height_ - (y - y_.lo) / (y_.hi - y_.lo) * height_;
  }

  [[nodiscard]] const Range& x() const { return x_; }

  [[nodiscard]] const Range& y() const { return y_; }

  void axes(core::Chart& chart, std::string_view title, std::string_view x_label,
            std::string_view y_label) const {
    auto& m = chart.marks;
    for (const double t : y_ticks_) {
      m.push_back(svg_mark("line", {{"x1", svg_pixel(left_)},
                                    {"x2", svg_pixel(left_ + width_)},
                                    {"y1", svg_pixel(py(t))},
                                    {"y2", svg_pixel(py(t))},
                                    {"stroke", "#e4e4e4"}}));
      m.push_back(svg_mark(
          "text",
          {{"x", svg_pixel(left_ - 6)}, {"y", svg_pixel(py(t) + 4)}, {"text-anchor", "end"}},
          tick_text(t)));
    }
    for (const double t : x_ticks_) {
      m.push_back(svg_mark("line", {{"x1", svg_pixel(px(t))},
                                    {"x2", svg_pixel(px(t))},
                                    {"y1", svg_pixel(top_)},
                                    {"y2", svg_pixel(top_ + height_)},
                                    {"stroke", "#e4e4e4"}}));
      m.push_back(svg_mark("text",
                           {{"x", svg_pixel(px(t))},
                            {"y", svg_pixel(top_ + height_ + 16)},
                            {"text-anchor", "middle"}},
                           tick_text(t)));
    }
    m.push_back(svg_mark("rect", {{"x", svg_pixel(left_)},
                                  {"y", svg_pixel(top_)},
                                  {"width", svg_pixel(width_)},
                                  {"height", svg_pixel(height_)},
                                  {"fill", "none"},
                                  {"stroke", "#333333"}}));
    m.push_back(svg_mark("text",
                         {{"x", svg_pixel(left_ + width_ / 2)},
                          {"y", svg_pixel(top_ - 10)},
                          {"text-anchor", "middle"},
                          {"font-weight", "bold"}},
                         std::string(title)));
    m.push_back(svg_mark("text",
                         {{"x", svg_pixel(left_ + width_ / 2)},
                          {"y", svg_pixel(top_ + height_ + 36)},
                          {"text-anchor", "middle"}},
                         std::string(x_label)));
    const double yx = left_ - 44;
    const double yy = top_ + height_ / 2;
    m.push_back(
        svg_mark("text",
                 {{"x", svg_pixel(yx)},
                  {"y", svg_pixel(yy)},
                  {"text-anchor", "middle"},
                  {"transform", fmt::format("rotate(-90 {} {})", svg_pixel(yx), svg_pixel(yy))}},
                 std::string(y_label)));
  }

  void points(core::Chart& chart, std::span<const std::array<double, 2>> xy,
              std::string_view colour) const {
    for (const auto& p : xy) {
      if (std::isfinite(p[0]) && std::isfinite(p[1])) {
        chart.marks.push_back(svg_mark("circle", {{"cx", svg_pixel(px(p[0]))},
                                                  {"cy", svg_pixel(py(p[1]))},
                                                  {"r", "2.0"},
                                                  {"fill", std::string(colour)},
                                                  {"fill-opacity", "0.45"}}));
      }
    }
  }

  void line(core::Chart& chart, double x1, double y1, double x2, double y2, std::string_view colour,
            std::string_view dash = "") const {
    core::SvgElement e = svg_mark("line", {{"x1", svg_pixel(px(x1))},
                                           {"y1", svg_pixel(py(y1))},
                                           {"x2", svg_pixel(px(x2))},
                                           {"y2", svg_pixel(py(y2))},
                                           {"stroke", std::string(colour)},
                                           {"stroke-width", "1.5"}});
    if (!dash.empty()) {
      e.attributes.push_back({"stroke-dasharray", std::string(dash)});
    }
    chart.marks.push_back(std::move(e));
  }

  void polyline(core::Chart& chart, std::span<const std::array<double, 2>> xy,
                std::string_view colour, std::string_view dash) const {
    std::string points;
    for (const auto& p : xy) {
      points += fmt::format("{}{},{}", points.empty() ? "" : " ", svg_pixel(px(p[0])),
                            svg_pixel(py(p[1])));
    }
    core::SvgElement e = svg_mark("polyline", {{"points", points},
                                               {"fill", "none"},
                                               {"stroke", std::string(colour)},
                                               {"stroke-width", "2"}});
    if (!dash.empty()) {
      e.attributes.push_back({"stroke-dasharray", std::string(dash)});
    }
    chart.marks.push_back(std::move(e));
  }

  void band(core::Chart& chart, std::span<const double> x, std::span<const double> lo,
            std::span<const double> hi, std::string_view colour) const {
    std::string points;
    for (std::size_t i = 0; i < x.size(); ++i) {
      points += fmt::format("{}{},{}", points.empty() ? "" : " ", svg_pixel(px(x[i])),
                            svg_pixel(py(lo[i])));
    }
    for (std::size_t i = x.size(); i-- > 0;) {
      points += fmt::format(" {},{}", svg_pixel(px(x[i])), svg_pixel(py(hi[i])));
    }
    chart.marks.push_back(svg_mark("polygon", {{"points", points},
                                               {"fill", std::string(colour)},
                                               {"fill-opacity", "0.35"},
                                               {"stroke", "none"}}));
  }

 private:
  double left_, top_, width_, height_;
  Range x_, y_;
  std::vector<double> x_ticks_, y_ticks_;
};

core::Chart canvas(double width, double height, std::string_view title) {
  core::Chart chart{.width = width,
                    .height = height,
                    .attributes = {{"font-family", "sans-serif"},
                                   {"font-size", "11"},
                                   {"role", "img"},
                                   {"aria-label", std::string(title)}},
                    .marks = {}};
  chart.marks.push_back(svg_mark(
      "rect", {{"width", svg_pixel(width)}, {"height", svg_pixel(height)}, {"fill", "white"}}));
  return chart;
}

constexpr const char* kOuterBand = "#6baed6";
constexpr const char* kMedianBand = "#fb6a4a";
constexpr const char* kObserved = "#08306b";

void vpc_legend(core::Chart& chart, double x, double y) {
  const auto item = [&](double dy, std::string_view fill, std::string_view label, bool band) {
    if (band) {
      chart.marks.push_back(svg_mark("rect", {{"x", svg_pixel(x)},
                                              {"y", svg_pixel(y + dy - 8)},
                                              {"width", "18.0"},
                                              {"height", "10.0"},
                                              {"fill", std::string(fill)},
                                              {"fill-opacity", "0.35"}}));
    } else {
      chart.marks.push_back(svg_mark("line", {{"x1", svg_pixel(x)},
                                              {"x2", svg_pixel(x + 18)},
                                              {"y1", svg_pixel(y + dy - 3)},
                                              {"y2", svg_pixel(y + dy - 3)},
                                              {"stroke", std::string(fill)},
                                              {"stroke-width", "2"}}));
    }
    chart.marks.push_back(
        svg_mark("text", {{"x", svg_pixel(x + 24)}, {"y", svg_pixel(y + dy)}}, std::string(label)));
  };
  item(0, kMedianBand, "95% band of simulated median", true);
  item(16, kOuterBand, "95% bands of simulated 5th/95th", true);
  item(32, kObserved, "observed median (5th/95th dashed)", false);
}

}  // namespace

core::Chart vpc_chart(const Vpc& vpc, std::string_view title) {
  Range x;
  Range y;
  for (const auto& o : vpc.observations) {
    x.add(o[0]);
    y.add(o[1]);
  }
  for (const VpcBin& b : vpc.bins) {
    for (const auto& s : b.simulated) {
      y.add(s[0]);
      y.add(s[2]);
    }
  }
  const std::string heading =
      fmt::format("{}: visual predictive check ({} replicates)", title, vpc.replicates);
  core::Chart chart = canvas(760, 480, heading);
  const Panel panel(80, 40, 620, 370, x, y);
  panel.axes(chart, heading, "TIME", "DV");
  std::vector<double> mid;
  for (const VpcBin& b : vpc.bins) {
    mid.push_back(b.time_mid);
  }
  for (std::size_t p = 0; p < 3; ++p) {
    std::vector<double> lo;
    std::vector<double> hi;
    for (const VpcBin& b : vpc.bins) {
      lo.push_back(b.simulated[p][0]);
      hi.push_back(b.simulated[p][2]);
    }
    panel.band(chart, mid, lo, hi, p == 1 ? kMedianBand : kOuterBand);
  }
  panel.points(chart, vpc.observations, "#555555");
  for (std::size_t p = 0; p < 3; ++p) {
    std::vector<std::array<double, 2>> line;
    for (const VpcBin& b : vpc.bins) {
      line.push_back({b.time_mid, b.observed[p]});
    }
    panel.polyline(chart, line, kObserved, p == 1 ? "" : "6 4");
  }
  vpc_legend(chart, panel.px(panel.x().lo) + 360, 62);
  return chart;
}

core::Chart gof_chart(const FitResult& fit, std::string_view title) {
  std::vector<std::array<double, 2>> dv_pred;
  std::vector<std::array<double, 2>> dv_ipred;
  std::vector<std::array<double, 2>> iwres_time;
  Range conc;
  Range time;
  Range iwres;
  for (const SubjectFit& s : fit.subjects) {
    for (const ObservationFit& o : s.observations) {
      dv_pred.push_back({o.pred, o.dv});
      dv_ipred.push_back({o.ipred, o.dv});
      iwres_time.push_back({o.time.value(), o.iwres});
      conc.add(o.dv);
      conc.add(o.pred);
      conc.add(o.ipred);
      time.add(o.time.value());
      iwres.add(o.iwres);
    }
  }
  iwres.add(-2.0);
  iwres.add(2.0);
  const std::string heading = fmt::format("{}: goodness of fit", title);
  core::Chart chart = canvas(1140, 420, heading);
  const Panel a(70, 50, 300, 300, conc, conc);
  a.axes(chart, "DV vs PRED", "PRED", "DV");
  a.points(chart, dv_pred, "#1b6ca8");
  a.line(chart, a.x().lo, a.x().lo, a.x().hi, a.x().hi, "#d1495b");
  const Panel b(450, 50, 300, 300, conc, conc);
  b.axes(chart, "DV vs IPRED", "IPRED", "DV");
  b.points(chart, dv_ipred, "#1b6ca8");
  b.line(chart, b.x().lo, b.x().lo, b.x().hi, b.x().hi, "#d1495b");
  const Panel c(830, 50, 300, 300, time, iwres);
  c.axes(chart, "IWRES vs TIME", "TIME", "IWRES");
  c.points(chart, iwres_time, "#1b6ca8");
  c.line(chart, c.x().lo, 0.0, c.x().hi, 0.0, "#d1495b");
  c.line(chart, c.x().lo, 2.0, c.x().hi, 2.0, "#999999", "4 3");
  c.line(chart, c.x().lo, -2.0, c.x().hi, -2.0, "#999999", "4 3");
  chart.marks.push_back(svg_mark("text",
                                 {{"x", "570.0"},
                                  {"y", "20.0"},
                                  {"text-anchor", "middle"},
                                  {"font-size", "14"},
                                  {"font-weight", "bold"}},
                                 heading));
  return chart;
}

}  // namespace ketapath::nlme
