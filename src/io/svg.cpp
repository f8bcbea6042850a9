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

struct Range {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();

  void add(double v) {
    if (std::isfinite(v)) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }

  void settle() {
    if (!std::isfinite(lo)) {
      lo = 0.0;
      hi = 1.0;
    }
    if (hi - lo < 1e-12) {
      const double pad = std::max(1e-6, std::abs(lo) * 0.1);
      lo -= pad;
      hi += pad;
    }
  }
};

std::string fmt_tick(double v) {
  if (std::abs(v) < 1e-12) {
    return "0";
  }
  return fmt::format("{:g}", v);
}

std::string header(std::string_view title) {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} "
      "{1}\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" "
      "fill=\"white\"/>\n<text x=\"{2}\" y=\"24\" font-size=\"15\" "
      "font-weight=\"bold\">{3}</text>\n",
      kWidth, kHeight, kLeft, xml_escape(title));
}

// Axes, grid and labels; returns the SVG and sets the tick-extended ranges.
std::string axes(Range& x, Range& y, std::string_view x_label, std::string_view y_label,
                 bool x_ticks) {
  const double plot_w = kWidth - kLeft - kRight;
  const double plot_h = kHeight - kTop - kBottom;
  std::string out;
  const auto yt = nice_ticks(y.lo, y.hi);
  y.lo = std::min(y.lo, yt.front());
  y.hi = std::max(y.hi, yt.back());
  for (double t : yt) {
    const double py = kTop + plot_h * (1.0 - (t - y.lo) / (y.hi - y.lo));
    out += fmt::format(
        "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#e0e0e0\"/>\n"
        "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n",
        kLeft, py, kLeft + plot_w, py, kLeft - 6, py + 4, fmt_tick(t));
  }
  if (x_ticks) {
    const auto xt = nice_ticks(x.lo, x.hi);
    x.lo = std::min(x.lo, xt.front());
    x.hi = std::max(x.hi, xt.back());
    for (double t : xt) {
      const double px = kLeft + plot_w * (t - x.lo) / (x.hi - x.lo);
      out += fmt::format(
          "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#e0e0e0\"/>\n"
          "<text x=\"{0:.1f}\" y=\"{3:.1f}\" text-anchor=\"middle\">{4}</text>\n",
          px, kTop, kTop + plot_h, kTop + plot_h + 16, fmt_tick(t));
    }
  }
  out += fmt::format(
      "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#333\"/>\n"
      "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n"
      "<text x=\"16\" y=\"{}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {})\">{}</text>\n",
      kLeft, kTop, plot_w, plot_h, kLeft + plot_w / 2, kHeight - 18, xml_escape(x_label),
      kTop + plot_h / 2, kTop + plot_h / 2, xml_escape(y_label));
  return out;
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int target) {
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) {
    return {lo};
  }
  const double raw = (hi - lo) / std::max(1, target);
  const int exponent = static_cast<int>(std::floor(std::log10(raw)));
  // Ticks are k x multiple x 10^exponent, computed from integers so 3 x 0.2 prints as 0.6.
  const double scale = std::pow(10.0, std::abs(exponent));
  const auto value = [&](double units) {
    return exponent >= 0 ? units * scale : units / scale;
  };
  double multiple = 1.0;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    multiple = m;
    if (value(m) >= raw) {
      break;
    }
  }
  const double step = value(multiple);
  std::vector<double> ticks;
  const double first = std::floor(lo / step + 1e-9);
  for (double k = first; value(k * multiple) <= hi + step * (1 - 1e-9); k += 1.0) {
    ticks.push_back(value(k * multiple) == 0.0 ? 0.0 : value(k * multiple));
    if (ticks.size() > 100) {
      break;
    }
  }
  return ticks;
}

std::string xml_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string render_svg(const LinePlot& plot) {
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
  std::string out = header(plot.title);
  out += axes(x, y, plot.x_label, plot.y_label, true);
  const double plot_w = kWidth - kLeft - kRight;
  const double plot_h = kHeight - kTop - kBottom;
  const auto px = [&](double v) {
    return kLeft + plot_w * (v - x.lo) / (x.hi - x.lo);
  };
  const auto py = [&](double v) {
    return kTop + plot_h * (1.0 - (v - y.lo) / (y.hi - y.lo));
  };
  for (std::size_t i = 0; i < plot.series.size(); ++i) {
    const Series& s = plot.series[i];
    if (s.lo.size() == s.x.size() && s.hi.size() == s.x.size() && !s.x.empty()) {
      std::string points;
      for (std::size_t j = 0; j < s.x.size(); ++j) {
        if (std::isfinite(s.hi[j]))
          points += fmt::format("{:.1f},{:.1f} ", px(s.x[j]), py(s.hi[j]));
      }
      for (std::size_t j = s.x.size(); j-- > 0;) {
        if (std::isfinite(s.lo[j]))
          points += fmt::format("{:.1f},{:.1f} ", px(s.x[j]), py(s.lo[j]));
      }
      out += fmt::format(
          "<polygon points=\"{}\" fill=\"{}\" fill-opacity=\"0.18\" stroke=\"none\"/>\n", points,
          colour(i));
    }
    std::string path;
    bool pen_down = false;
    for (std::size_t j = 0; j < s.x.size() && j < s.y.size(); ++j) {
      if (!std::isfinite(s.y[j]) || !std::isfinite(s.x[j])) {
        pen_down = false;
        continue;
      }
      path += fmt::format("{}{:.1f},{:.1f} ", pen_down ? "L" : "M", px(s.x[j]), py(s.y[j]));
      pen_down = true;
      out += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"2.5\" fill=\"{}\"/>\n",
                         px(s.x[j]), py(s.y[j]), colour(i));
    }
    out += fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>\n", path,
                       colour(i));
    const double ly = kTop + 10 + 18.0 * static_cast<double>(i);
    out += fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" y2=\"{1:.1f}\" stroke=\"{3}\" "
        "stroke-width=\"3\"/>\n<text x=\"{4:.1f}\" y=\"{5:.1f}\">{6}</text>\n",
        kWidth - kRight + 12, ly, kWidth - kRight + 32, colour(i), kWidth - kRight + 38, ly + 4,
        xml_escape(s.name));
  }
  return out + "</svg>\n";
}

std::string render_svg(const BarChart& chart) {
  Range x{0.0, 1.0};
  Range y;
  y.add(0.0);
  for (const Bar& b : chart.bars) {
    y.add(b.value);
    y.add(b.lo);
    y.add(b.hi);
  }
  y.settle();
  std::string out = header(chart.title);
  out += axes(x, y, "", chart.y_label, false);
  const double plot_w = kWidth - kLeft - kRight;
  const double plot_h = kHeight - kTop - kBottom;
  const auto py = [&](double v) {
    return kTop + plot_h * (1.0 - (v - y.lo) / (y.hi - y.lo));
  };
  const double slot = plot_w / static_cast<double>(std::max<std::size_t>(1, chart.bars.size()));
  for (std::size_t i = 0; i < chart.bars.size(); ++i) {
    const Bar& b = chart.bars[i];
    const double cx = kLeft + slot * (static_cast<double>(i) + 0.5);
    const double w = slot * 0.6;
    if (std::isfinite(b.value)) {
      const double top = py(std::max(0.0, b.value));
      const double bottom = py(std::min(0.0, b.value));
      out += fmt::format(
          "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\"/>\n",
          cx - w / 2, top, w, bottom - top, colour(0));
    }
    if (std::isfinite(b.lo) && std::isfinite(b.hi)) {
      out += fmt::format(
          "<path d=\"M{0:.1f},{1:.1f} L{0:.1f},{2:.1f} M{3:.1f},{1:.1f} L{4:.1f},{1:.1f} "
          "M{3:.1f},{2:.1f} L{4:.1f},{2:.1f}\" stroke=\"#333\" stroke-width=\"1.5\"/>\n",
          cx, py(b.lo), py(b.hi), cx - w / 5, cx + w / 5);
    }
    out += fmt::format(
        "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" font-size=\"10\">{}</text>\n", cx,
        kHeight - kBottom + 16, xml_escape(b.label));
  }
  return out + "</svg>\n";
}

}  // namespace ketapath::io
