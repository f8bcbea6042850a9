// The one SVG writer: attribute order kept, text and attribute values escaped, empty elements
// self-closed except text/title, nested children, line breaks as described.

#include "core/svg.h"

#include <gtest/gtest.h>

namespace ketapath::core {
namespace {

TEST(SvgWriter, EscapesMarkupButNotApostrophes) {
  EXPECT_EQ(xml_escape("a<b & \"c\" 'd' >"), "a&lt;b &amp; &quot;c&quot; 'd' &gt;");
}

TEST(SvgWriter, WritesTheChartAsDescribed) {
  Chart chart{.width = 200, .height = 100.5, .attributes = {{"font-size", "11"}}, .marks = {}};
  chart.marks.push_back({.tag = "rect",
                         .attributes = {{"x", svg_pixel(10)}, {"width", svg_number(20)}},
                         .text = "",
                         .children = {},
                         .line_break = true});
  chart.marks.push_back({.tag = "line",
                         .attributes = {{"x1", svg_pixel(1.25)}},
                         .text = "",
                         .children = {},
                         .line_break = false});
  chart.marks.push_back({.tag = "text",
                         .attributes = {{"aria-label", "x \"y\""}},
                         .text = "A & <B>",
                         .children = {},
                         .line_break = true});
  chart.marks.push_back(
      {.tag = "text", .attributes = {}, .text = "", .children = {}, .line_break = true});
  SvgElement circle{.tag = "circle",
                    .attributes = {{"r", "3.5"}},
                    .text = "",
                    .children = {},
                    .line_break = true};
  circle.children.push_back(
      {.tag = "title", .attributes = {}, .text = "t", .children = {}, .line_break = false});
  chart.marks.push_back(circle);
  EXPECT_EQ(render_svg(chart),
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"200\" height=\"100.5\" "
            "viewBox=\"0 0 200 100.5\" font-size=\"11\">\n"
            "<rect x=\"10.0\" width=\"20\"/>\n"
            "<line x1=\"1.2\"/>"
            "<text aria-label=\"x &quot;y&quot;\">A &amp; &lt;B&gt;</text>\n"
            "<text></text>\n"
            "<circle r=\"3.5\"><title>t</title></circle>\n"
            "</svg>\n");
}

}  // namespace
}  // namespace ketapath::core
