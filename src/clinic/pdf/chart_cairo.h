#pragma once
// Draws a core::Chart (the one chart description, core/svg.h) on a Cairo context: the PDF
// letter's charts are the same marks the SVG writer writes, never a second layout.

#include <cairo.h>

#include "core/error.h"
#include "core/svg.h"

namespace ketapath::clinic::pdf {

/// Draws `chart` with its top-left corner at (x, y), scaled by `scale` (chart pixels to points).
/// Marks: rect, line, path (M/L/H/V/Z), polygon, polyline, circle, text (x, y, text-anchor,
/// fill, font-size, font-weight; the root's font-family/font-size), with fill, stroke,
/// stroke-width and stroke-dasharray; a mark's title child is a tooltip and is not drawn. Any
/// other mark fails (Internal), so a chart never loses a mark silently in the PDF.
core::Status draw_chart(cairo_t* cr, const core::Chart& chart, double x, double y, double scale);

}  // namespace ketapath::clinic::pdf
