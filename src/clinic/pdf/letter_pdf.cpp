#include "clinic/pdf/letter_pdf.h"

#include <algorithm>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include <cairo-pdf.h>
#include <cairo.h>
#include <fmt/format.h>
#include <pango/pangocairo.h>

#include "clinic/domain/time.h"
#include "clinic/pdf/chart_cairo.h"

namespace ketapath::clinic {
namespace {

// A4 in points, 2 cm margins; the footer sits in the bottom margin.
constexpr double kPageWidth = 595.276;
constexpr double kPageHeight = 841.89;
constexpr double kMargin = 56.7;
constexpr double kLeft = kMargin;
constexpr double kWidth = kPageWidth - 2 * kMargin;
constexpr double kTop = kMargin;
constexpr double kBottom = kPageHeight - kMargin;
constexpr double kCellPadding = 3.0;
constexpr const char* kFamily = "DejaVu Sans";

using Layout = std::unique_ptr<PangoLayout, decltype(&g_object_unref)>;
using Font = std::unique_ptr<PangoFontDescription, decltype(&pango_font_description_free)>;

struct Style {
  double size = 9.5;
  bool bold = false;
  double grey = 0.0;  ///< 0 black .. 1 white
};

constexpr Style kBody{9.5, false, 0.0};
constexpr Style kCell{8.0, false, 0.0};
constexpr Style kHeaderCell{8.0, true, 0.0};
constexpr Style kFooter{7.5, false, 0.35};

Style heading_style(int level) {
  return level <= 1   ? Style{15.0, true, 0.0}
         : level == 2 ? Style{12.0, true, 0.1}
                      : Style{10.5, true, 0.1};
}

// Lays out and draws the blocks page by page. Used twice: once to count the pages, once to
// draw with "page N of M" known.
class PageWriter {
 public:
  PageWriter(cairo_t* cr, std::string footer, int total_pages)
      : cr_(cr), footer_(std::move(footer)), total_pages_(total_pages) {}

  [[nodiscard]] int page() const { return page_; }

  Layout layout(const std::string& text, Style style, double width) const {
    Layout l(pango_cairo_create_layout(cr_), &g_object_unref);
    const Font font(pango_font_description_from_string(kFamily), &pango_font_description_free);
    pango_font_description_set_absolute_size(font.get(), style.size * PANGO_SCALE);
    pango_font_description_set_weight(font.get(),
                                      style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(l.get(), font.get());
    if (width > 0) {
      pango_layout_set_width(l.get(), static_cast<int>(width * PANGO_SCALE));
      pango_layout_set_wrap(l.get(), PANGO_WRAP_WORD_CHAR);
    }
    // A word broken at the line end keeps its letters: no inserted hyphen (a dose, a time or a
    // name must read back exactly).
    PangoAttrList* attributes = pango_attr_list_new();
    pango_attr_list_insert(attributes, pango_attr_insert_hyphens_new(FALSE));
    pango_layout_set_attributes(l.get(), attributes);
    pango_attr_list_unref(attributes);
    pango_layout_set_text(l.get(), text.data(), static_cast<int>(text.size()));
    return l;
  }

  static double height_of(PangoLayout* l) {
    int w = 0;
    int h = 0;
    pango_layout_get_size(l, &w, &h);
    return static_cast<double>(h) / PANGO_SCALE;
  }

  static double width_of(PangoLayout* l) {
    int w = 0;
    int h = 0;
    pango_layout_get_size(l, &w, &h);
    return static_cast<double>(w) / PANGO_SCALE;
  }

  // Breaks the page when fewer than `needed` points are left (never on an empty page).
  void need(double needed) {
    if (y_ + needed > kBottom && y_ > kTop) {
      new_page();
    }
  }

  void new_page() {
    draw_footer();
    cairo_show_page(cr_);
    ++page_;
    y_ = kTop;
  }

  void finish() { draw_footer(); }

  // Text wrapped to the width, line by line so a page may break inside a paragraph.
  void text(const std::string& text, Style style, double space_after) {
    const Layout l = layout(text, style, kWidth);
    cairo_set_source_rgb(cr_, style.grey, style.grey, style.grey);
    PangoLayoutIter* it = pango_layout_get_iter(l.get());
    do {
      PangoRectangle logical;
      pango_layout_iter_get_line_extents(it, nullptr, &logical);
      const double h = static_cast<double>(logical.height) / PANGO_SCALE;
      const double baseline =
          static_cast<double>(pango_layout_iter_get_baseline(it) - logical.y) / PANGO_SCALE;
      need(h);
      cairo_move_to(cr_, kLeft + static_cast<double>(logical.x) / PANGO_SCALE, y_ + baseline);
      pango_cairo_show_layout_line(cr_, pango_layout_iter_get_line_readonly(it));
      y_ += h;
    } while (pango_layout_iter_next_line(it) != 0);
    pango_layout_iter_free(it);
    cairo_new_path(cr_);
    y_ += space_after;
  }

  void heading(const std::string& text_, int level) {
    const Style style = heading_style(level);
    y_ += level <= 1 ? 0.0 : 8.0;
    // Keep a heading with the start of what it introduces.
    need(height_of(layout(text_, style, kWidth).get()) + 48.0);
    this->text(text_, style, level <= 1 ? 8.0 : 4.0);
  }

  void table(const std::vector<std::string>& header,
             const std::vector<std::vector<std::string>>& rows) {
    const std::vector<double> widths = column_widths(header, rows);
    draw_row(header, widths, true);
    for (const auto& row : rows) {
      const double h = row_height(row, widths, false);
      if (y_ + h > kBottom && y_ > kTop) {
        new_page();
        draw_row(header, widths, true);  // the header again on the new page
      }
      draw_row(row, widths, false);
    }
    y_ += 8.0;
  }

  core::Status chart(const core::Chart& chart) {
    const double scale = std::min(1.0, kWidth / chart.width);
    need(chart.height * scale);
    KETAPATH_TRY(pdf::draw_chart(cr_, chart, kLeft, y_, scale));
    y_ += chart.height * scale + 8.0;
    return {};
  }

  void signature(const std::string& text_) {
    need(40.0);
    y_ += 28.0;
    cairo_set_source_rgb(cr_, 0.0, 0.0, 0.0);
    cairo_set_line_width(cr_, 0.6);
    cairo_move_to(cr_, kLeft, y_);
    cairo_line_to(cr_, kLeft + 220.0, y_);
    cairo_stroke(cr_);
    y_ += 4.0;
    text(text_, kBody, 6.0);
  }

 private:
  // The automatic table layout of browsers: every column gets at least its longest word (so a
  // timestamp or a dose never breaks inside), and the rest of the width goes to the columns in
  // proportion to how much more their longest cell wants; natural widths when they all fit.
  std::vector<double> column_widths(const std::vector<std::string>& header,
                                    const std::vector<std::vector<std::string>>& rows) const {
    const std::size_t n = header.size();
    std::vector<double> natural(n, 0.0);
    std::vector<double> minimum(n, 0.0);
    const auto measure = [&](const std::vector<std::string>& cells, Style style) {
      for (std::size_t i = 0; i < cells.size() && i < n; ++i) {
        natural[i] =
            std::max(natural[i], width_of(layout(cells[i], style, 0).get()) + 2 * kCellPadding + 1);
        std::size_t start = 0;
        while (start <= cells[i].size()) {
          std::size_t end = cells[i].find(' ', start);
          end = end == std::string::npos ? cells[i].size() : end;
          if (end > start) {
            minimum[i] = std::max(
                minimum[i], width_of(layout(cells[i].substr(start, end - start), style, 0).get()) +
                                2 * kCellPadding + 1);
          }
          start = end + 1;
        }
      }
    };
    measure(header, kHeaderCell);
    for (const auto& row : rows) {
      measure(row, kCell);
    }
    const double total_natural = std::accumulate(natural.begin(), natural.end(), 0.0);
    if (total_natural <= kWidth) {
      return natural;
    }
    const double total_minimum = std::accumulate(minimum.begin(), minimum.end(), 0.0);
    std::vector<double> widths(n, 0.0);
    if (total_minimum >= kWidth) {  // even the words do not fit: shrink them alike (they wrap)
      for (std::size_t i = 0; i < n; ++i) {
        widths[i] = minimum[i] * kWidth / total_minimum;
      }
      return widths;
    }
    // Water-filling: a column that wants less than an equal share of what is left gets its
    // natural width; the others share the rest in proportion to what they want.
    double extra = kWidth - total_minimum;
    std::vector<bool> settled(n, false);
    widths = minimum;
    for (bool changed = true; changed;) {
      changed = false;
      const auto open = static_cast<double>(std::count(settled.begin(), settled.end(), false));
      for (std::size_t i = 0; i < n; ++i) {
        if (!settled[i] && natural[i] - minimum[i] <= extra / open) {
          settled[i] = true;
          widths[i] = natural[i];
          extra -= natural[i] - minimum[i];
          changed = true;
          break;
        }
      }
    }
    double wanted = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      wanted += settled[i] ? 0.0 : natural[i] - minimum[i];
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (!settled[i] && wanted > 0) {
        widths[i] = minimum[i] + extra * (natural[i] - minimum[i]) / wanted;
      }
    }
    return widths;
  }

  double row_height(const std::vector<std::string>& cells, const std::vector<double>& widths,
                    bool header) const {
    double h = 0.0;
    for (std::size_t i = 0; i < cells.size() && i < widths.size(); ++i) {
      h = std::max(
          h,
          height_of(
              layout(cells[i], header ? kHeaderCell : kCell, widths[i] - 2 * kCellPadding).get()));
    }
    return h + 2 * kCellPadding;
  }

  void draw_row(const std::vector<std::string>& cells, const std::vector<double>& widths,
                bool header) {
    const double h = row_height(cells, widths, header);
    need(h);
    double x = kLeft;
    for (std::size_t i = 0; i < widths.size(); ++i) {
      cairo_rectangle(cr_, x, y_, widths[i], h);
      if (header) {
        cairo_set_source_rgb(cr_, 0.93, 0.93, 0.93);
        cairo_fill_preserve(cr_);
      }
      cairo_set_source_rgb(cr_, 0.72, 0.72, 0.72);
      cairo_set_line_width(cr_, 0.5);
      cairo_set_dash(cr_, nullptr, 0, 0.0);
      cairo_stroke(cr_);
      if (i < cells.size()) {
        const Layout l =
            layout(cells[i], header ? kHeaderCell : kCell, widths[i] - 2 * kCellPadding);
        cairo_set_source_rgb(cr_, 0.0, 0.0, 0.0);
        cairo_move_to(cr_, x + kCellPadding, y_ + kCellPadding);
        pango_cairo_show_layout(cr_, l.get());
        cairo_new_path(cr_);
      }
      x += widths[i];
    }
    y_ += h;
  }

  void draw_footer() {
    const std::string text = total_pages_ > 0
                                 ? fmt::format("{} - page {} of {}", footer_, page_, total_pages_)
                                 : fmt::format("{} - page {}", footer_, page_);
    const Layout l = layout(text, kFooter, kWidth);
    pango_layout_set_alignment(l.get(), PANGO_ALIGN_CENTER);
    cairo_set_source_rgb(cr_, kFooter.grey, kFooter.grey, kFooter.grey);
    cairo_move_to(cr_, kLeft, kBottom + 16.0);
    pango_cairo_show_layout(cr_, l.get());
    cairo_new_path(cr_);
  }

  cairo_t* cr_;
  std::string footer_;
  int total_pages_;
  int page_ = 1;
  double y_ = kTop;
};

cairo_status_t append_to_string(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

core::Status cairo_ok(cairo_status_t status, std::string_view what) {
  if (status != CAIRO_STATUS_SUCCESS) {
    return core::fail(core::ErrorCode::Internal, "PDF letter: {}: {}", what,
                      cairo_status_to_string(status));
  }
  return {};
}

// One pass: the pages of the letter on a PDF surface writing into `out`; returns the page count.
core::Result<int> lay_out(const Letter& letter, const std::string& author,
                          const std::string& created, int total_pages, std::string& out) {
  const std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> surface(
      cairo_pdf_surface_create_for_stream(append_to_string, &out, kPageWidth, kPageHeight),
      &cairo_surface_destroy);
  KETAPATH_TRY(cairo_ok(cairo_surface_status(surface.get()), "creating the PDF surface"));
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE,
                                 ("Ketapath clinic letter: " + letter.title).c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_AUTHOR, author.c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "Ketapath");
  if (!created.empty()) {
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATE_DATE, created.c_str());
  }
  const std::unique_ptr<cairo_t, decltype(&cairo_destroy)> cr(cairo_create(surface.get()),
                                                              &cairo_destroy);
  PageWriter writer(cr.get(), "Ketapath clinic letter: " + letter.title, total_pages);
  for (const LetterBlock& b : letter.blocks) {
    switch (b.kind) {
      case LetterBlock::Kind::Heading:
        writer.heading(b.text, b.level);
        break;
      case LetterBlock::Kind::Paragraph:
        writer.text(b.text, kBody, 5.0);
        break;
      case LetterBlock::Kind::Table:
        writer.table(b.header, b.rows);
        break;
      case LetterBlock::Kind::Chart:
        if (b.chart) {
          KETAPATH_TRY(writer.chart(*b.chart));
        }
        break;
      case LetterBlock::Kind::Signature:
        writer.signature(b.text);
        break;
    }
  }
  writer.finish();
  KETAPATH_TRY(cairo_ok(cairo_status(cr.get()), "drawing"));
  cairo_surface_finish(surface.get());
  KETAPATH_TRY(cairo_ok(cairo_surface_status(surface.get()), "writing the PDF"));
  return writer.page();
}

}  // namespace

core::Result<std::string> render_letter_pdf(const Letter& letter, const std::string& author,
                                            const std::string& created_iso8601) {
  std::string counting;
  const int pages = KETAPATH_TRY(lay_out(letter, author, created_iso8601, 0, counting));
  std::string out;
  const int drawn = KETAPATH_TRY(lay_out(letter, author, created_iso8601, pages, out));
  if (drawn != pages) {
    return core::fail(core::ErrorCode::Internal,
                      "PDF letter: the second layout pass has {} pages, the first {}", drawn,
                      pages);
  }
  return out;
}

core::Result<std::string> render_report_pdf(const ReportData& data) {
  return render_letter_pdf(letter_of(data), data.generated_by, format_timestamp(data.generated_at));
}

}  // namespace ketapath::clinic
