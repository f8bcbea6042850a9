#pragma once
// The letter to the patient's psychiatrist or PCP (the care team): demographics, latest
// screening, courses with planned and actual dates, the dose history, every adverse event with
// severity, action and outcome, every alert with its acknowledgement, trough and acute
// trajectories per scale on separate lines (with an SVG chart of the trough trajectory: severity
// bands, baseline and 50%-of-baseline lines), the plan (the combined recommendation with its rule
// and proposed dates) and, when the caller added it, the model-informed maintenance forecast
// (its data, posterior, recommendation and chart, and the decisions taken), signed by the
// acting clinician. Pure text rendering: the caller gathers
// the data and writes the file.

#include <optional>
#include <string>
#include <vector>

#include "clinic/domain/alert.h"
#include "clinic/domain/care_team.h"
#include "clinic/domain/course.h"
#include "clinic/domain/dose.h"
#include "clinic/domain/forecast_decision.h"
#include "clinic/domain/patient.h"
#include "clinic/domain/response.h"
#include "clinic/domain/screening.h"
#include "clinic/domain/session.h"
#include "clinic/service/forecast.h"
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
  /// Model-informed maintenance (forecast.h), when the caller computed it (add_forecast): the
  /// letter shows it beside the rule-based plan, with the decisions taken on earlier forecasts.
  std::optional<ClinicForecast> forecast;
  std::vector<ForecastDecision> forecast_decisions;
};

/// Adds the model-informed maintenance forecast of `d.patient` and the decisions taken on earlier
/// ones to `d`. A forecast the fit cannot make (Solver) goes in as not sufficient, with the
/// reason, so the letter still goes out with the rule-based plan; other errors (Unauthorized,
/// NotFound, Validation) are returned.
core::Status add_forecast(ClinicService& clinic, ReportData& d, const pd::KetamineModel& model,
                          const ForecastQuery& query);

enum class ReportFormat { Markdown, Html };

/// One block of the letter, in reading order. The letter's content is decided once
/// (`letter_of`); every format (Markdown, HTML here, PDF in clinic/pdf) only lays these blocks out.
struct LetterBlock {
  /// Signature: the closing line a clinician signs (a paragraph in text formats; the PDF draws a
  /// line to sign on above it).
  enum class Kind { Heading, Paragraph, Table, Chart, Signature };
  Kind kind = Kind::Paragraph;
  int level = 0;                               ///< heading level (1 = the title)
  std::string text;                            ///< heading or paragraph text (unescaped)
  std::vector<std::string> header;             ///< table header
  std::vector<std::vector<std::string>> rows;  ///< table rows (unescaped cells)
  std::optional<core::Chart> chart;            ///< Chart: nullopt when the scale has no baseline
};

/// The letter: its title (the patient's name, for the document's metadata) and blocks.
struct Letter {
  std::string title;
  std::vector<LetterBlock> blocks;
};

/// The content of the letter to the care team (addressees, sender, summary, courses, dose
/// history, adverse events, alerts, responses with their charts, plan, signature).
Letter letter_of(const ReportData& data);

/// The report text of letter_of(data). Markdown embeds the SVG charts inline as HTML (renders on
/// GitHub/GitLab and in most viewers); HTML is a standalone page.
std::string render_report(const ReportData& data, ReportFormat format);

/// The score chart of one scale's response as a chart description (core::Chart: severity bands,
/// baseline and 50% lines, the totals), or nullopt when there is no baseline rating.
std::optional<core::Chart> score_chart(const ResponseSummary& response);

/// core::render_svg of score_chart (empty string when there is no rating).
std::string score_chart_svg(const ResponseSummary& response);

}  // namespace ketapath::clinic
