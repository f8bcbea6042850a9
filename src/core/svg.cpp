#include "core/svg.h"

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

}  // namespace ketapath::core
