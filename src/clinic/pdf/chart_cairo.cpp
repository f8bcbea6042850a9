#include "clinic/pdf/chart_cairo.h"

#include <charconv>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <pango/pangocairo.h>

namespace ketapath::clinic::pdf {
namespace {

struct Rgb {
  double r = 0, g = 0, b = 0;
};

const std::string* attribute(const std::vector<core::SvgAttribute>& attributes,
                             std::string_view name) {
  for (const core::SvgAttribute& a : attributes) {
    if (a.name == name) {
      return &a.value;
    }
  }
  return nullptr;
}

core::Result<double> number(std::string_view text, std::string_view what) {
  double v = 0.0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) {
    return core::fail(core::ErrorCode::Internal, "PDF chart: {}: \"{}\" is not a number", what,
                      text);
  }
  return v;
}

core::Result<double> number_attribute(const core::SvgElement& e, std::string_view name,
                                      std::optional<double> fallback = std::nullopt) {
  const std::string* v = attribute(e.attributes, name);
  if (v == nullptr) {
    if (fallback) {
      return *fallback;
    }
    return core::fail(core::ErrorCode::Internal, "PDF chart: <{}> has no {}", e.tag, name);
  }
  return number(*v, fmt::format("<{}> {}", e.tag, name));
}

// "#rgb" / "#rrggbb" / "none" (nullopt) / a few names; other colours fail.
core::Result<std::optional<Rgb>> colour(std::string_view text) {
  if (text == "none" || text == "transparent") {
    return std::optional<Rgb>{};
  }
  if (text == "black") {
    return std::optional<Rgb>{Rgb{}};
  }
  if (text == "white") {
    return std::optional<Rgb>{Rgb{1, 1, 1}};
  }
  const auto hex = [&](std::string_view h) -> std::optional<double> {
    unsigned v = 0;
    const auto [end, ec] = std::from_chars(h.data(), h.data() + h.size(), v, 16);
    if (ec != std::errc() || end != h.data() + h.size()) {
      return std::nullopt;
    }
    return h.size() == 1 ? (v * 17) / 255.0 : v / 255.0;
  };
  if (text.size() == 7 && text[0] == '#') {
    const auto r = hex(text.substr(1, 2)), g = hex(text.substr(3, 2)), b = hex(text.substr(5, 2));
    if (r && g && b) {
      return std::optional<Rgb>{Rgb{*r, *g, *b}};
    }
  }
  if (text.size() == 4 && text[0] == '#') {
    const auto r = hex(text.substr(1, 1)), g = hex(text.substr(2, 1)), b = hex(text.substr(3, 1));
    if (r && g && b) {
      return std::optional<Rgb>{Rgb{*r, *g, *b}};
    }
  }
  return core::fail(core::ErrorCode::Internal,
                    "PDF chart: colour \"{}\" is not #rgb, #rrggbb or none", text);
}

// Reads "x,y x,y" or "x y x y" pairs.
core::Result<std::vector<double>> numbers_of(std::string_view text, std::string_view what) {
  std::vector<double> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == ',')) {
      ++i;
    }
    std::size_t j = i;
    while (j < text.size() && text[j] != ' ' && text[j] != ',') {
      ++j;
    }
    if (j > i) {
      out.push_back(KETAPATH_TRY(number(text.substr(i, j - i), what)));
    }
    i = j;
  }
  return out;
}

// Fill and stroke of the current path as the mark's attributes say (SVG defaults: fill black,
// no stroke).
core::Status paint(cairo_t* cr, const core::SvgElement& e, double scale, const char* default_fill) {
  const std::string* fill = attribute(e.attributes, "fill");
  const std::string* stroke = attribute(e.attributes, "stroke");
  const auto f = KETAPATH_TRY(colour(fill != nullptr ? *fill : default_fill));
  const auto s = KETAPATH_TRY(colour(stroke != nullptr ? *stroke : "none"));
  if (f) {
    cairo_set_source_rgb(cr, f->r, f->g, f->b);
    if (s) {
      cairo_fill_preserve(cr);
    } else {
      cairo_fill(cr);
    }
  }
  if (s) {
    const double width = KETAPATH_TRY(number_attribute(e, "stroke-width", 1.0));
    cairo_set_line_width(cr, width * scale);
    std::vector<double> dashes;
    if (const std::string* dash = attribute(e.attributes, "stroke-dasharray")) {
      dashes = KETAPATH_TRY(numbers_of(*dash, "stroke-dasharray"));
      for (double& d : dashes) {
        d *= scale;
      }
    }
    cairo_set_dash(cr, dashes.empty() ? nullptr : dashes.data(), static_cast<int>(dashes.size()),
                   0.0);
    cairo_set_source_rgb(cr, s->r, s->g, s->b);
    cairo_stroke(cr);
  }
  cairo_new_path(cr);
  return {};
}

core::Status path_of(cairo_t* cr, std::string_view d, double x0, double y0, double scale) {
  std::size_t i = 0;
  char command = 0;
  double cx = 0.0, cy = 0.0;
  const auto next_number = [&]() -> core::Result<double> {
    while (i < d.size() && (d[i] == ' ' || d[i] == ',')) {
      ++i;
    }
    std::size_t j = i;
    while (j < d.size() && (std::isdigit(static_cast<unsigned char>(d[j])) != 0 || d[j] == '.' ||
                            d[j] == '-' || d[j] == 'e' || d[j] == '+')) {
      ++j;
    }
    if (j == i) {
      return core::fail(core::ErrorCode::Internal, "PDF chart: path \"{}\": number expected at {}",
                        d.substr(0, 40), i);
    }
    const double v = KETAPATH_TRY(number(d.substr(i, j - i), "path"));
    i = j;
    return v;
  };
  while (i < d.size()) {
    if (d[i] == ' ' || d[i] == ',') {
      ++i;
      continue;
    }
    if (std::isalpha(static_cast<unsigned char>(d[i])) != 0) {
      command = d[i++];
    }
    switch (command) {
      case 'M':
      case 'L': {
        cx = KETAPATH_TRY(next_number());
        cy = KETAPATH_TRY(next_number());
        (command == 'M' ? cairo_move_to : cairo_line_to)(cr, x0 + cx * scale, y0 + cy * scale);
        if (command == 'M') {
          command = 'L';  // implicit line-to after a move-to
        }
        break;
      }
      case 'H':
        cx = KETAPATH_TRY(next_number());
        cairo_line_to(cr, x0 + cx * scale, y0 + cy * scale);
        break;
      case 'V':
        cy = KETAPATH_TRY(next_number());
        cairo_line_to(cr, x0 + cx * scale, y0 + cy * scale);
        break;
      case 'Z':
      case 'z':
        cairo_close_path(cr);
        break;
      default:
        return core::fail(core::ErrorCode::Internal,
                          "PDF chart: path command '{}' is not supported (M L H V Z)", command);
    }
  }
  return {};
}

core::Status draw_text(cairo_t* cr, const core::SvgElement& e, const core::Chart& chart, double x0,
                       double y0, double scale) {
  const double x = KETAPATH_TRY(number_attribute(e, "x"));
  const double y = KETAPATH_TRY(number_attribute(e, "y"));
  const std::string* root_size = attribute(chart.attributes, "font-size");
  const std::string* size_text = attribute(e.attributes, "font-size");
  const double size = size_text != nullptr   ? KETAPATH_TRY(number(*size_text, "font-size"))
                      : root_size != nullptr ? KETAPATH_TRY(number(*root_size, "font-size"))
                                             : 12.0;
  const std::string* weight = attribute(e.attributes, "font-weight");
  const std::string* anchor = attribute(e.attributes, "text-anchor");
  const std::string* fill = attribute(e.attributes, "fill");
  const auto f = KETAPATH_TRY(colour(fill != nullptr ? *fill : "black"));
  if (!f) {
    return {};
  }
  const std::unique_ptr<PangoLayout, decltype(&g_object_unref)> layout(
      pango_cairo_create_layout(cr), &g_object_unref);
  const std::unique_ptr<PangoFontDescription, decltype(&pango_font_description_free)> font(
      pango_font_description_from_string("DejaVu Sans"), &pango_font_description_free);
  // SVG font sizes are pixels; one chart pixel is `scale` points here.
  pango_font_description_set_absolute_size(font.get(), size * scale * PANGO_SCALE);
  if (weight != nullptr && *weight == "bold") {
    pango_font_description_set_weight(font.get(), PANGO_WEIGHT_BOLD);
  }
  pango_layout_set_font_description(layout.get(), font.get());
  pango_layout_set_text(layout.get(), e.text.data(), static_cast<int>(e.text.size()));
  int width = 0;
  int height = 0;
  pango_layout_get_size(layout.get(), &width, &height);
  const double w = static_cast<double>(width) / PANGO_SCALE;
  const double baseline =
      static_cast<double>(pango_layout_get_baseline(layout.get())) / PANGO_SCALE;
  double left = x0 + x * scale;
  if (anchor != nullptr && *anchor == "middle") {
    left -= w / 2.0;
  } else if (anchor != nullptr && *anchor == "end") {
    left -= w;
  }
  cairo_set_source_rgb(cr, f->r, f->g, f->b);
  cairo_move_to(cr, left, y0 + y * scale - baseline);
  pango_cairo_show_layout(cr, layout.get());
  cairo_new_path(cr);
  return {};
}

core::Status draw_mark(cairo_t* cr, const core::SvgElement& e, const core::Chart& chart, double x0,
                       double y0, double scale) {
  const auto X = [&](double v) {
    return x0 + v * scale;
  };
  const auto Y = [&](double v) {
    return y0 + v * scale;
  };
  if (e.tag == "rect") {
    const double x = KETAPATH_TRY(number_attribute(e, "x", 0.0));
    const double y = KETAPATH_TRY(number_attribute(e, "y", 0.0));
    const double w = KETAPATH_TRY(number_attribute(e, "width"));
    const double h = KETAPATH_TRY(number_attribute(e, "height"));
    cairo_rectangle(cr, X(x), Y(y), w * scale, h * scale);
    return paint(cr, e, scale, "black");
  }
  if (e.tag == "line") {
    cairo_move_to(cr, X(KETAPATH_TRY(number_attribute(e, "x1", 0.0))),
                  Y(KETAPATH_TRY(number_attribute(e, "y1", 0.0))));
    cairo_line_to(cr, X(KETAPATH_TRY(number_attribute(e, "x2", 0.0))),
                  Y(KETAPATH_TRY(number_attribute(e, "y2", 0.0))));
    return paint(cr, e, scale, "none");
  }
  if (e.tag == "path") {
    const std::string* d = attribute(e.attributes, "d");
    if (d == nullptr) {
      return core::fail(core::ErrorCode::Internal, "PDF chart: <path> has no d");
    }
    KETAPATH_TRY(path_of(cr, *d, x0, y0, scale));
    return paint(cr, e, scale, "black");
  }
  if (e.tag == "polygon" || e.tag == "polyline") {
    const std::string* points = attribute(e.attributes, "points");
    const std::vector<double> v =
        KETAPATH_TRY(numbers_of(points != nullptr ? *points : "", "points"));
    for (std::size_t i = 0; i + 1 < v.size(); i += 2) {
      (i == 0 ? cairo_move_to : cairo_line_to)(cr, X(v[i]), Y(v[i + 1]));
    }
    if (e.tag == "polygon") {
      cairo_close_path(cr);
    }
    return paint(cr, e, scale, e.tag == "polygon" ? "black" : "none");
  }
  if (e.tag == "circle") {
    const double cx = KETAPATH_TRY(number_attribute(e, "cx", 0.0));
    const double cy = KETAPATH_TRY(number_attribute(e, "cy", 0.0));
    const double r = KETAPATH_TRY(number_attribute(e, "r"));
    cairo_new_sub_path(cr);
    cairo_arc(cr, X(cx), Y(cy), r * scale, 0.0, 2.0 * M_PI);
    return paint(cr, e, scale, "black");
  }
  if (e.tag == "text") {
    return draw_text(cr, e, chart, x0, y0, scale);
  }
  if (e.tag == "title" || e.tag == "desc") {
    return {};
  }
  return core::fail(core::ErrorCode::Internal, "PDF chart: mark <{}> is not supported", e.tag);
}

}  // namespace

core::Status draw_chart(cairo_t* cr, const core::Chart& chart, double x, double y, double scale) {
  cairo_save(cr);
  cairo_rectangle(cr, x, y, chart.width * scale, chart.height * scale);
  cairo_clip(cr);
  for (const core::SvgElement& mark : chart.marks) {
    const core::Status drawn = draw_mark(cr, mark, chart, x, y, scale);
    if (!drawn) {
      cairo_restore(cr);
      return drawn;
    }
    for (const core::SvgElement& child : mark.children) {
      if (child.tag != "title" && child.tag != "desc") {
        cairo_restore(cr);
        return core::fail(core::ErrorCode::Internal,
                          "PDF chart: nested mark <{}> in <{}> is not supported", child.tag,
                          mark.tag);
      }
    }
  }
  cairo_restore(cr);
  return {};
}

}  // namespace ketapath::clinic::pdf
