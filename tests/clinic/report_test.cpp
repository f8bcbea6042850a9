// Report and demo: the SVG chart carries the data, and the demo is deterministic and valid.

#include "clinic/service/report.h"

#include <gtest/gtest.h>

#include "clinic/service/demo.h"
#include "fixtures.h"
#include "store/memory/memory_store.h"

namespace ketapath::clinic {
namespace {

using namespace testing;

TEST(Report, ChartHasOnePointPerRatingAndTheReferenceLines) {
  ResponseSummary r;
  r.scale = Scale::Gad7;
  r.baseline = 16;
  r.responder_total = 8;  // as analyse_response sets them
  r.remission_total = 4;
  r.trajectory = {{kNow, 1, 10, -0.375, 1, 48.0, RatingTiming::Trough},
                  {kNow, 2, 6, -0.625, 2, 48.0, RatingTiming::Trough}};
  const std::string svg = score_chart_svg(r);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  std::size_t circles = 0;
  for (auto pos = svg.find("<circle"); pos != std::string::npos;
       pos = svg.find("<circle", pos + 1)) {
    ++circles;
  }
  EXPECT_EQ(circles, 3u);
  EXPECT_NE(svg.find("baseline 16"), std::string::npos);
  EXPECT_NE(svg.find("response &lt;= 8 (trough)"), std::string::npos) << svg;
  EXPECT_NE(svg.find("remission &lt;= 4 (with a response)"), std::string::npos) << svg;
  // No line the summary does not carry (e.g. CADSS, or no total can be a response).
  r.responder_total.reset();
  r.remission_total.reset();
  EXPECT_EQ(score_chart_svg(r).find("response &lt;="), std::string::npos);
  EXPECT_TRUE(score_chart_svg(ResponseSummary{}).empty());
}

TEST(Demo, IsDeterministicValidAndAudited) {
  const auto fill = [](MemoryStore& store) {
    ClinicService service(store, "demo", [] { return kNow; });
    EXPECT_TRUE(service.initialize());
    auto summary = fill_demo(service, 42, 3);
    EXPECT_TRUE(summary) << summary.error().message;
    ReportData data;
    data.patient = *service.patient(summary->patients[0]);
    data.sessions = *service.sessions(summary->patients[0]);
    data.courses = *service.courses(summary->patients[0]);
    data.plan = *service.response_plan(summary->patients[0]);
    data.generated_at = kNow;
    return std::pair{*summary, render_report(data, ReportFormat::Markdown)};
  };
  MemoryStore a;
  MemoryStore b;
  const auto [summary_a, report_a] = fill(a);
  const auto [summary_b, report_b] = fill(b);
  EXPECT_EQ(summary_a.patients.size(), 3u);
  // A loading course each; maintenance only where the response supports it: never for patient 3,
  // the non-responder of the demo's stories.
  EXPECT_EQ(summary_a.courses, 3 + summary_a.maintenance);
  EXPECT_LE(summary_a.maintenance, 2);
  EXPECT_GE(summary_a.sessions, 3 * 6);  // the 6 loading sessions each
  EXPECT_EQ(summary_a.stories, summary_b.stories);
  // The third patient's story, by its id (the memory store numbers every record from one
  // counter, so that id is not 3; "patient 3" once matched "patient 35" by chance).
  bool non_responder_told = false;
  const std::string third = "patient " + std::to_string(summary_a.patients[2].value()) + ":";
  for (const auto& story : summary_a.stories) {
    non_responder_told = non_responder_told || (story.starts_with(third) &&
                                                story.find("no maintenance") != std::string::npos);
  }
  EXPECT_TRUE(non_responder_told);
  EXPECT_EQ(summary_a.sessions, summary_b.sessions);
  EXPECT_EQ(report_a, report_b);
  EXPECT_NE(report_a.find("<svg"), std::string::npos);
  EXPECT_TRUE(a.audit().verify()->intact);
}

// Issue 9 Deliver 10: the demo's fifth patient is screened not_eligible and the clearance gate
// refuses the course; nothing is planned or given for that patient.
TEST(Demo, TheIneligiblePatientIsRefusedAndGetsNothing) {
  MemoryStore store;
  ClinicService service(store, "demo", [] { return kNow; });
  ASSERT_TRUE(service.initialize());
  const auto summary = fill_demo(service, 42, 5);
  ASSERT_TRUE(summary) << summary.error().message;
  ASSERT_EQ(summary->patients.size(), 5u);
  const PatientId ineligible = summary->patients[4];
  std::string told;
  for (const auto& story : summary->stories) {
    if (story.starts_with(fmt::format("patient {}:", ineligible.value()))) {
      told = story;
    }
  }
  EXPECT_NE(told.find("not_eligible"), std::string::npos) << told;
  EXPECT_NE(told.find("refused"), std::string::npos) << told;
  EXPECT_TRUE(service.courses(ineligible)->empty());
  EXPECT_TRUE(service.sessions(ineligible)->empty());
  EXPECT_TRUE(store.audit().verify()->intact);
}

// The letter's data is one service call, so the CLI and the server gather the same thing.
TEST(Report, ReportDataGathersEveryRecordSignedByTheActingUser) {
  MemoryStore store;
  ClinicService service(store, "demo", [] { return kNow; });
  ASSERT_TRUE(service.initialize());
  const auto summary = fill_demo(service, 42, 3);
  ASSERT_TRUE(summary) << summary.error().message;
  const PatientId id = summary->patients[0];
  const auto data = service.report_data(id);
  ASSERT_TRUE(data) << data.error().message;
  EXPECT_EQ(data->patient.id, id);
  EXPECT_EQ(data->sessions.size(), service.sessions(id)->size());
  EXPECT_EQ(data->courses.size(), service.courses(id)->size());
  EXPECT_EQ(data->doses.size(), service.doses(id)->size());
  EXPECT_EQ(data->alerts.size(), service.alerts(id)->size());
  EXPECT_FALSE(data->sessions.empty());
  EXPECT_EQ(data->generated_by, "demo");
  EXPECT_EQ(data->generated_at, kNow);
  const auto unknown = service.report_data(PatientId(999999));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, core::ErrorCode::NotFound);
}

}  // namespace
}  // namespace ketapath::clinic
