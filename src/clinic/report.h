#pragma once
// A patient summary for the psychiatrist or GP: demographics, latest screening, courses with
// planned and actual dates, sessions with scores, alerts, and the response on each scale with an
// SVG score chart (severity bands, baseline and 50%-of-baseline lines). Pure text rendering: the
// caller gathers the data and writes the file.

#include <string>
#include <vector>

#include "clinic/alert.h"
#include "clinic/course.h"
#include "clinic/dose.h"
#include "clinic/patient.h"
#include "clinic/response.h"
#include "clinic/screening.h"
#include "clinic/session.h"

namespace ketapath::clinic {

struct ReportData {
  Patient patient;
  std::vector<ScreeningRecord> screenings;
  std::vector<Course> courses;
  std::vector<Session> sessions;
  std::vector<DoseRecord> doses;
  std::vector<Alert> alerts;
  Timestamp generated_at{};
  std::string generated_by;
};

enum class ReportFormat { Markdown, Html };

/// The report text. Markdown embeds the SVG charts inline as HTML (renders on GitHub/GitLab and in
/// most viewers); HTML is a standalone page.
std::string render_report(const ReportData& data, ReportFormat format);

/// The SVG score chart of one scale's response (empty string when there is no rating).
std::string score_chart_svg(const ResponseSummary& response);

}  // namespace ketapath::clinic
