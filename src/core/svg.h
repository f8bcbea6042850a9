#pragma once
// The one chart description and the one SVG writer. Every chart Ketapath draws (trial figures in
// io/svg.h, the clinic letter's score chart in clinic/report.h) is laid out by its own builder
// into a `Chart`: a canvas and its marks in drawing order, in SVG vocabulary (rect, line, text,
// path, polygon, circle with their attributes; coordinates already in pixels). `render_svg` is
// the only code that writes SVG/XML, and `xml_escape` the only escaper (also used for the
// clinic's HTML reports). A later PDF writer draws the same Chart, never a second chart layout.
//
// Example:
//   core::Chart chart{.width = 200, .height = 100, .attributes = {{"font-size", "11"}}};
//   chart.marks.push_back({.tag = "text", .attributes = {{"x", core::svg_pixel(10)},
//                                                        {"y", "14"}}, .text = "A & B"});
//   std::string svg = core::render_svg(chart);
//   // <svg xmlns=... width="200" height="100" viewBox="0 0 200 100" font-size="11">
//   // <text x="10.0" y="14">A &amp; B</text>
//   // </svg>

#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace ketapath::core {

/// Escapes &, <, > and " for XML/HTML text and double-quoted attributes (every attribute this
/// writer emits is double-quoted, so ' needs no escape).
std::string xml_escape(std::string_view text);

/// An attribute value written as given (escaped on output).
struct SvgAttribute {
  std::string name;
  std::string value;
};

/// One mark: `<tag attributes>text children</tag>`, or `<tag attributes/>` when it has neither
/// text nor children (except `text` and `title`, always written with an end tag). `line_break` ends
/// it with a newline (the writer's layout, not the picture).
struct SvgElement {
  std::string tag;
  std::vector<SvgAttribute> attributes;
  std::string text;  ///< unescaped content
  std::vector<SvgElement> children;
  bool line_break = true;
};

/// The chart description: a canvas of width x height pixels, attributes of the root element after
/// xmlns/width/height/viewBox (font, accessibility), and the marks in drawing order.
struct Chart {
  double width = 0.0;
  double height = 0.0;
  std::vector<SvgAttribute> attributes;
  std::vector<SvgElement> marks;
};

/// A pixel coordinate as charts write it: one decimal ("70.0").
std::string svg_pixel(double v);
/// A number in its shortest form ("70", "0.5").
std::string svg_number(double v);

/// Axis ticks at 1, 2 or 5 x 10^k covering [lo, hi] with about `target` intervals.
std::vector<double> nice_ticks(double lo, double hi, int target = 5);

/// A tick label: "0" for |v| < 1e-12 (no "-0" or "1e-17"), else the shortest %g form.
std::string tick_text(double v);

/// A mark with its attributes and text, ending its line (the charts' common element).
SvgElement svg_mark(std::string tag, std::vector<SvgAttribute> attributes, std::string text = "");

/// The data range of a chart axis: add() every value drawn (non-finite values are skipped), then
/// settle() makes it finite ([0, 1] when nothing was added) and non-empty (a single value is
/// padded by 10% of itself, at least 1e-6); settle_to_ticks() also widens it to the nice ticks
/// that cover it and returns them.
struct AxisRange {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();

  void add(double v);
  void settle();
  std::vector<double> settle_to_ticks();
};

/// The standalone SVG document (UTF-8) of a chart.
std::string render_svg(const Chart& chart);

}  // namespace ketapath::core
