#include "io/svg.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace ketapath::io {
namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

TEST(Svg, NiceTicksAreOneTwoFiveSteps) {
  EXPECT_EQ(nice_ticks(0.0, 1.0), (std::vector<double>{0, 0.2, 0.4, 0.6, 0.8, 1.0}));
  EXPECT_EQ(nice_ticks(0.0, 168.0), (std::vector<double>{0, 50, 100, 150, 200}));
  EXPECT_EQ(nice_ticks(-3.0, 12.0), (std::vector<double>{-5, 0, 5, 10, 15}));
}

TEST(Svg, EscapesMarkup) {
  EXPECT_EQ(core::xml_escape("a<b & \"c\" 'd'"), "a&lt;b &amp; &quot;c&quot; 'd'");
}

TEST(Svg, LinePlotDrawsOneBandAndLinePerSeriesAndBreaksAtNaN) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  LinePlot plot{.title = "T <1>", .x_label = "h", .y_label = "%", .series = {}};
  plot.series.push_back({"a", {0, 1, 2}, {0, 40, 30}, {0, 30, 20}, {0, 50, 40}});
  plot.series.push_back({"b", {0, 1, 2}, {0, nan, 10}, {}, {}});
  const std::string svg = render_svg(plot);
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  EXPECT_EQ(count(svg, "<polygon"), 1u);  // only series a has a band
  EXPECT_EQ(count(svg, "<path d="), 2u);  // one line per series
  EXPECT_EQ(count(svg, "<circle"), 5u);   // the NaN point is not drawn
  EXPECT_NE(svg.find("T &lt;1&gt;"), std::string::npos);
  // Series b restarts its line after the NaN: two move-to commands.
  const auto b = svg.rfind("<path d=\"");
  EXPECT_EQ(count(svg.substr(b, svg.find('"', b + 9) - b), "M"), 2u);
}

TEST(Svg, BarChartHasABarAndWhiskerPerBar) {
  BarChart chart{.title = "R", .y_label = "n", .bars = {{"0.25", 2, 1, 4}, {"1", 9, 7, 11}}};
  const std::string svg = render_svg(chart);
  EXPECT_EQ(count(svg, "<rect x="), 3u);  // frame + 2 bars
  EXPECT_EQ(count(svg, "stroke=\"#333\" stroke-width=\"1.5\""), 2u);
}

}  // namespace
}  // namespace ketapath::io
