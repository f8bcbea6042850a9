#pragma once
// The letter to the care team as a PDF document: the same blocks as the Markdown and HTML
// report (clinic::letter_of), laid out on A4 pages with Pango and written by Cairo's PDF surface
// (fonts embedded as subsets), the score charts drawn from their core::Chart description. Pages
// break between lines and table rows (a table's header is repeated); each page carries a footer
// with the patient and "page N of M".

#include <string>

#include "clinic/service/report.h"
#include "core/error.h"
#include "core/svg.h"

namespace ketapath::clinic {

/// The PDF bytes of letter_of(data). Fails (Internal) only when Cairo reports an error or a
/// chart uses a mark the drawer does not know.
core::Result<std::string> render_report_pdf(const ReportData& data);

/// The PDF bytes of a letter (the title becomes the document title, `author` its author).
core::Result<std::string> render_letter_pdf(const Letter& letter, const std::string& author,
                                            const std::string& created_iso8601);

}  // namespace ketapath::clinic
