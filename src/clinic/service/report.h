#pragma once
// The letter to the patient's psychiatrist or PCP (the care team): demographics, latest
// screening, courses with planned and actual dates, the dose history, every adverse event with
// severity, action and outcome, every alert with its acknowledgement, trough and acute
// trajectories per scale on separate lines (with an SVG chart of the trough trajectory: severity
// bands, baseline and 50%-of-baseline lines), the plan (the combined recommendation with its rule
// and proposed dates), signed by the acting clinician. Pure text rendering: the caller gathers
// the data and writes the file.

#include <optional>
#include <string>
#include <vector>

#include "clinic/domain/alert.h"
#include "clinic/domain/care_team.h"
#include "clinic/domain/course.h"
#include "clinic/domain/dose.h"
#include "clinic/domain/patient.h"
#include "clinic/domain/response.h"
#include "clinic/domain/screening.h"
#include "clinic/domain/session.h"
#include "core/svg.h"

namespace ketapath::clinic {

struct ReportData {
  Patient patient;
  std::vector<ScreeningRecord> screenings;
  std::vector<Course> courses;
  std::vector<Session> sessions;
  std::vector<DoseRecord> doses;
  std::vector<Alert> alerts;
  std::vector<CareTeamMember> care_team;
  ResponsePlan plan;  ///< ClinicService::response_plan
  Timestamp generated_at{};
  std::string generated_by;  ///< the acting clinician, who signs the letter
};

enum class ReportFormat { Markdown, Html };

/// The report text. Markdown embeds the SVG charts inline as HTML (renders on GitHub/GitLab and in
/// most viewers); HTML is a standalone page.
std::string render_report(const ReportData& data, ReportFormat format);

/// The score chart of one scale's response as a chart description (core::Chart: severity bands,
/// baseline and 50% lines, the totals), or nullopt when there is no baseline rating.
std::optional<core::Chart> score_chart(const ResponseSummary& response);

/// core::render_svg of score_chart (empty string when there is no rating).
std::string score_chart_svg(const ResponseSummary& response);

}  // namespace ketapath::clinic
