#include "core/svg.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace ketapath::core {
namespace {

void write(const SvgElement& e, std::string& out) {
  out += '<';
  out += e.tag;
  for (const SvgAttribute& a : e.attributes) {
    out += fmt::format(" {}=\"{}\"", a.name, xml_escape(a.value));
  }
  if (e.text.empty() && e.children.empty() && e.tag != "text" && e.tag != "title") {
    out += "/>";
  } else {
    out += '>';
    out += xml_escape(e.text);
    for (const SvgElement& child : e.children) {
      write(child, out);
    }
    out += fmt::format("</{}>", e.tag);
  }
  if (e.line_break) {
    out += '\n';
  }
}

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
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
      default:
        out += c;
    }
  }
  return out;
}

std::string svg_pixel(double v) {
  return fmt::format("{:.1f}", v);
}

std::string svg_number(double v) {
  return fmt::format("{}", v);
}

std::string render_svg(const Chart& chart) {
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} "
      "{1}\"",
      chart.width, chart.height);
  for (const SvgAttribute& a : chart.attributes) {
    out += fmt::format(" {}=\"{}\"", a.name, xml_escape(a.value));
  }
  out += ">\n";
  for (const SvgElement& mark : chart.marks) {
    write(mark, out);
  }
  return out + "</svg>\n";
}

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

std::string tick_text(double v) {
  return std::abs(v) < 1e-12 ? "0" : fmt::format("{:g}", v);
}

SvgElement svg_mark(std::string tag, std::vector<SvgAttribute> attributes, std::string text) {
  return {.tag = std::move(tag),
          .attributes = std::move(attributes),
          .text = std::move(text),
          .children = {},
          .line_break = true};
}

void AxisRange::add(double v) {
  if (std::isfinite(v)) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
}

void AxisRange::settle() {
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

std::vector<double> AxisRange::settle_to_ticks() {
  settle();
  std::vector<double> ticks = nice_ticks(lo, hi);
  lo = std::min(lo, ticks.front());
  hi = std::max(hi, ticks.back());
  return ticks;
}

}  // namespace ketapath::core
