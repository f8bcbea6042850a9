// Found by an independent review of issues 9 and 10 through the CLI (session 4): each find is
// held here through the service, the one path every front end takes.

#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "clinic/service/service.h"
#include "core/text.h"
#include "fixtures.h"
#include "service_fixture.h"
#include "store/memory/memory_store.h"

namespace ketapath::clinic {
namespace {

using namespace testing;
using core::ErrorCode;
using ketapath::testing::must;

class ReviewFinds : public ClinicWithPatient {};

// The most severe find: a planned IV duration of 1e-300 min was stored, and as the end of dosing
// of a session recorded without one it silenced the early-discharge alert.
TEST_F(ReviewFinds, PlannedInfusionDurationsAreTheLibrarysOnly) {
  const auto before = audit_count();
  for (const double minutes : {1e-300, 14.9, 120.01, 100000.0}) {
    CoursePlanOptions options;
    options.duration = core::Minutes(minutes);
    const auto planned = clinic_.plan_course(patient_, CourseProtocol::IvLoading, kToday, options);
    ASSERT_FALSE(planned) << minutes;
    EXPECT_EQ(planned.error().code, ErrorCode::Validation);
    EXPECT_NE(planned.error().message.find("infusion duration must be 15-120 min"),
              std::string::npos)
        << planned.error().message;
  }
  EXPECT_NE(clinic_
                .plan_course(patient_, CourseProtocol::IvLoading, kToday,
                             {.duration = core::Minutes(120.01)})
                .error()
                .message.find("(got 120.01 min)"),
            std::string::npos);
  EXPECT_EQ(audit_count(), before);
  CoursePlanOptions edge;
  edge.duration = core::Minutes(120.0);
  EXPECT_TRUE(clinic_.plan_course(patient_, CourseProtocol::IvLoading, kToday, edge));
}

// A treatment trial that has not ended cannot be a failed adequate trial.
TEST_F(ReviewFinds, ATrialThatWouldEndInTheFutureIsRefused) {
  TreatmentTrial t = adult_70kg().treatment_history.front();
  t.started_on = kToday - std::chrono::days(30);
  t.duration_weeks = 12.0;
  const auto refused = clinic_.add_treatment_trials(patient_, {t});
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("lasting 12 weeks it would end on 2027-01-13, after "
                                         "today (2026-11-20)"),
            std::string::npos)
      << refused.error().message;
  t.duration_weeks = 4.0;  // ended 2 days ago
  EXPECT_TRUE(clinic_.add_treatment_trials(patient_, {t}));
}

// A reason of only invisible characters is no reason, on every path that asks for one.
TEST_F(ReviewFinds, InvisibleReasonsAreNoReasons) {
  for (const std::string blank :
       {std::string("\u00a0"), std::string("\u200b"), std::string(" \u2003\ufeff\t")}) {
    EXPECT_TRUE(core::is_blank(blank));
    DoseOrder order;
    order.patient = patient_;
    order.route = Route::Iv;
    order.dose = core::MilligramsPerKilogram(0.76);  // above the 0.75 soft limit
    order.on = kToday;
    order.override_reason = blank;
    EXPECT_EQ(clinic_.calculate_dose(order).error().code, ErrorCode::LimitExceeded);
    CoursePlanOptions overlap;
    overlap.allow_overlap_reason = blank;
    EXPECT_EQ(
        clinic_.plan_course(patient_, CourseProtocol::IvLoading, kToday, overlap).error().code,
        ErrorCode::Validation);
  }
  EXPECT_FALSE(core::is_blank("a\u00a0reason"));
  const Course course = must(clinic_.plan_course(patient_, CourseProtocol::IvLoading, kToday, {}));
  EXPECT_EQ(clinic_.cancel_course(course.id, "\u00a0\u00a0").error().code, ErrorCode::Validation);
}

// Session 6 review: with --allow-overlap a second course could be planned (or a session moved)
// over the days of another active course, interleaving two dosing schedules. Refused on both
// paths, naming the other course and its dates, storing nothing.
TEST_F(ReviewFinds, TwoActiveCoursesNeverShareDays) {
  const Course loading = must(clinic_.plan_course(patient_, CourseProtocol::IvLoading, kToday, {}));
  const auto taken = course_days(loading);
  ASSERT_TRUE(taken);
  const std::string names =
      fmt::format("active course {} of patient {} (iv_loading, {} to {})", loading.id.value(),
                  patient_.value(), format_date(taken->first), format_date(taken->last));
  const auto before = audit_count();
  CoursePlanOptions reason;
  reason.allow_overlap_reason = "maintenance planned ahead";
  reason.weeks = 4;
  for (const Date start : {kToday, kToday + std::chrono::days(7), taken->last}) {
    const auto refused =
        clinic_.plan_course(patient_, CourseProtocol::MaintenanceWeekly, start, reason);
    ASSERT_FALSE(refused) << format_date(start);
    EXPECT_EQ(refused.error().code, ErrorCode::Conflict);
    EXPECT_NE(refused.error().message.find(names), std::string::npos) << refused.error().message;
  }
  EXPECT_EQ(audit_count(), before);
  EXPECT_EQ(must(clinic_.courses(patient_)).size(), 1u);

  const Course ahead = must(clinic_.plan_course(patient_, CourseProtocol::MaintenanceWeekly,
                                                taken->last + std::chrono::days(1), reason));
  const auto ahead_days = course_days(ahead);
  ASSERT_TRUE(ahead_days);
  EXPECT_GT(ahead_days->first, taken->last);
  const auto planned = audit_count();
  const auto onto = clinic_.reschedule_session(ahead.id, 1, taken->last, "earlier");
  ASSERT_FALSE(onto);
  EXPECT_EQ(onto.error().code, ErrorCode::Conflict);
  EXPECT_NE(onto.error().message.find(names), std::string::npos) << onto.error().message;
  const auto into = clinic_.reschedule_session(loading.id, 6, ahead_days->first, "later");
  ASSERT_FALSE(into);
  EXPECT_EQ(into.error().code, ErrorCode::Conflict);
  EXPECT_NE(into.error().message.find(fmt::format("active course {}", ahead.id.value())),
            std::string::npos)
      << into.error().message;
  EXPECT_EQ(audit_count(), planned);
  EXPECT_EQ(must(clinic_.course(ahead.id)).sessions.front().planned_on, ahead_days->first);
}

TEST_F(ReviewFinds, DatesHaveAPlausibleRange) {
  const Course course = must(clinic_.plan_course(patient_, CourseProtocol::IvLoading, kToday, {}));
  const auto far = clinic_.reschedule_session(course.id, 2, day("9999-12-19"), "typo");
  ASSERT_FALSE(far);
  EXPECT_NE(far.error().message.find("course reschedule: the new day must be between"),
            std::string::npos)
      << far.error().message;
  Assessment a;
  a.patient = patient_;
  a.rating = {Scale::Gad7, at("1990-01-01T00:00:00Z"), {1, 1, 1, 1, 1, 1, 1}, 0, "self"};
  const auto old = clinic_.record_assessment(a);
  ASSERT_FALSE(old);
  EXPECT_NE(old.error().message.find("assessment: rated_at must be between"), std::string::npos)
      << old.error().message;
  a.rating.rated_at = kNow - std::chrono::hours(24);
  EXPECT_TRUE(clinic_.record_assessment(a));
}

// Issue 10 item 7's reproducers: weights dated before birth, courses in year 9999 and sessions in
// 1970 are refused naming the field and the range, and nothing is stored.
TEST_F(ReviewFinds, Issue10ImplausibleDatesAreRefused) {
  const auto before = audit_count();
  const auto weight =
      clinic_.add_weight(patient_, {day("1980-01-01"), core::Kilograms(70.0), false});
  ASSERT_FALSE(weight);  // adult_70kg() was born 1985-03-14
  EXPECT_NE(weight.error().message.find("weight: measured_on must be between 1985-03-14"),
            std::string::npos)
      << weight.error().message;
  const auto course =
      clinic_.plan_course(patient_, CourseProtocol::IvLoading, day("9999-01-04"), {});
  ASSERT_FALSE(course);
  EXPECT_NE(course.error().message.find("course plan: start must be between"), std::string::npos)
      << course.error().message;
  Session s;
  s.patient = patient_;
  s.route = Route::Iv;
  s.dose_per_kg = core::MilligramsPerKilogram(0.5);
  s.started_at = at("1970-01-02T09:00:00Z");
  s.ended_at = s.started_at + std::chrono::hours(2);
  const auto session = clinic_.record_session(s);
  ASSERT_FALSE(session);
  EXPECT_NE(session.error().message.find("session: started_at must be between"), std::string::npos)
      << session.error().message;
  EXPECT_EQ(audit_count(), before);
}

TEST_F(ReviewFinds, PatientNamesAreBoundedAndCarryNoTerminalEscapes) {
  Patient p = adult_70kg();
  p.id = PatientId(0);
  for (const std::string bad :
       {std::string("Eve\x1b[31m"), std::string(201, 'x'), std::string("\u00a0"),
        std::string("line\nbreak"), std::string("\xff\xfe")}) {
    p.name = bad;
    EXPECT_EQ(clinic_.add_patient(p).error().code, ErrorCode::Validation) << bad.size();
  }
  p.name = "Zoë Ångström-O'Neil";
  EXPECT_TRUE(clinic_.add_patient(p));
}

}  // namespace
}  // namespace ketapath::clinic
