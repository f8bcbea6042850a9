// Issue 15 items 2-4 in the clinic service (memory store): the order's validity and
// discontinuation, the independent double check, the pre-dose checklist and its waivers. Each
// refusal stores nothing (audit length and sessions unchanged); the rules over values
// (clinic/domain/order.h) are tested beside them.

#include "clinic/domain/order.h"

#include <gtest/gtest.h>

#include "administration.h"
#include "clinic/service/service.h"
#include "fixtures.h"
#include "service_fixture.h"
#include "store/memory/memory_store.h"

namespace ketapath::clinic {
namespace {

using namespace testing;
using ketapath::testing::complete_checklist;
using ketapath::testing::prepare_administration;

TEST(OrderRules, PregnancyTestAppliesToFemaleOrUnrecordedSexUnder56) {
  const Date day = clinic::testing::day("2026-11-20");
  EXPECT_TRUE(pregnancy_test_applies(Sex::Female, clinic::testing::day("1985-03-14"), day));
  EXPECT_TRUE(pregnancy_test_applies(Sex::Unspecified, clinic::testing::day("1985-03-14"), day));
  EXPECT_FALSE(pregnancy_test_applies(Sex::Male, clinic::testing::day("1985-03-14"), day));
  EXPECT_TRUE(pregnancy_test_applies(Sex::Female, clinic::testing::day("1970-11-21"), day));  // 55
  EXPECT_FALSE(pregnancy_test_applies(Sex::Female, clinic::testing::day("1970-11-20"), day));
}

TEST(OrderRules, DoubleCheckAgreesToTwoDecimals) {
  EXPECT_TRUE(agrees_to_displayed_precision(35.0, 35.004));
  EXPECT_TRUE(agrees_to_displayed_precision(52.7475, 52.75));
  EXPECT_FALSE(agrees_to_displayed_precision(35.0, 35.01));
  EXPECT_FALSE(agrees_to_displayed_precision(70.0, 72.0));
}

TEST(OrderRules, UnknownAnswersAreNeverDone) {
  ChecklistContext cx;
  cx.sex = Sex::Female;
  cx.birth_date = clinic::testing::day("1985-03-14");
  cx.started_at = at("2026-11-20T09:00:00Z");
  cx.systolic = 125;
  cx.diastolic = 80;
  // No checklist at all: every item but the blood pressure (a reading exists) is unmet.
  std::vector<ChecklistItem> unmet;
  for (const auto& p : checklist_problems(std::nullopt, cx)) {
    unmet.push_back(p.item);
  }
  EXPECT_EQ(unmet, (std::vector<ChecklistItem>{
                       ChecklistItem::Fasting, ChecklistItem::Escort, ChecklistItem::PregnancyTest,
                       ChecklistItem::NewMedications, ChecklistItem::Consent}));
  // Complete: nothing unmet; each answer turned bad is named.
  PreDoseChecklist c = complete_checklist(cx.started_at);
  EXPECT_TRUE(checklist_problems(c, cx).empty());
  c.last_food_at = cx.started_at - std::chrono::hours(5);
  c.pregnancy_test = PregnancyTest::Positive;
  const auto problems = checklist_problems(c, cx);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].problem.find("5 h before the dose"), std::string::npos)
      << problems[0].problem;
  EXPECT_FALSE(problems[1].waivable);  // a positive pregnancy test
  // The hold limit (the pre-dose threshold) and a missing reading.
  cx.systolic = 140;
  EXPECT_EQ(checklist_problems(complete_checklist(cx.started_at), cx).at(0).item,
            ChecklistItem::BloodPressure);
  cx.systolic.reset();
  EXPECT_NE(checklist_problems(complete_checklist(cx.started_at), cx)
                .at(0)
                .problem.find("no pre-dose blood pressure"),
            std::string::npos);
}

class OrderService : public ClinicWithPatient {
 protected:
  void SetUp() override {
    ClinicWithPatient::SetUp();
    if (HasFatalFailure()) {
      return;
    }
    ASSERT_TRUE(clinic_.add_user("nurse.kim", {Role::Nurse}));
    ASSERT_TRUE(clinic_.add_user(ketapath::testing::kChecker, {Role::Nurse}));
  }

  Session session_at(const char* start) { return iv_session(patient_, at(start)); }

  DoseRecord order(Date on, std::optional<Date> until = {}, std::optional<CourseId> course = {}) {
    DoseOrder o;
    o.patient = patient_;
    o.route = Route::Iv;
    o.dose = core::MilligramsPerKilogram(0.5);
    o.on = on;
    o.valid_until = until;
    o.course = course;
    const auto d = clinic_.calculate_dose(o);
    EXPECT_TRUE(d) << d.error().message;
    return d ? *d : DoseRecord{};
  }

  /// Records s as nurse.kim and expects a refusal naming `says` with nothing stored.
  void expect_refused(const Session& s, const std::string& says) {
    const auto before = audit_count();
    const auto r = clinic_.acting_as("nurse.kim").record_session(s);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find(says), std::string::npos) << r.error().message;
    EXPECT_EQ(audit_count(), before);
    EXPECT_TRUE(clinic_.sessions(patient_)->empty());
  }
};

TEST_F(OrderService, AnOrderCoversItsDaysOnlyAndADiscontinuedOneNone) {
  const DoseRecord one_day = order(kToday - std::chrono::days(1));
  ASSERT_TRUE(one_day.order);
  EXPECT_EQ(one_day.order->valid_until, kToday - std::chrono::days(1));
  Session s = session_at("2026-11-20T08:00:00Z");
  s.dose_record = one_day.id;
  s.checklist = complete_checklist(s.started_at);
  expect_refused(s, "is valid for 2026-11-19, not for 2026-11-20");
  // A range order through tomorrow covers today; discontinued, it covers nothing.
  const DoseRecord range = order(kToday - std::chrono::days(1), kToday + std::chrono::days(1));
  s.dose_record = range.id;
  ASSERT_TRUE(prepare_administration(clinic_, s));
  EXPECT_EQ(clinic_.acting_as("nurse.kim").discontinue_order(range.id, "x").error().code,
            core::ErrorCode::Unauthorized);
  const auto before = audit_count();
  const auto stopped = clinic_.discontinue_order(range.id, "changed to SC after the reaction");
  ASSERT_TRUE(stopped) << stopped.error().message;
  EXPECT_EQ(audit_count(), before + 1);
  EXPECT_EQ(store_.audit().entries(before + 1, 1)->front().record.action, "order.discontinue");
  EXPECT_EQ(clinic_.discontinue_order(range.id, "again").error().code, core::ErrorCode::Conflict);
  expect_refused(s, "was discontinued by dr.lee");
  // Longer than 90 days, or both a course and a date: refused.
  DoseOrder long_order;
  long_order.patient = patient_;
  long_order.dose = core::MilligramsPerKilogram(0.5);
  long_order.on = kToday;
  long_order.valid_until = kToday + std::chrono::days(91);
  EXPECT_EQ(clinic_.calculate_dose(long_order).error().code, core::ErrorCode::Validation);
}

TEST_F(OrderService, ACourseOrderCoversThatCoursesSessionsOnly) {
  const auto course =
      clinic_.plan_course(patient_, CourseProtocol::IvLoading, day("2026-11-18"), {});
  ASSERT_TRUE(course) << course.error().message;
  const DoseRecord o = order(day("2026-11-18"), std::nullopt, course->id);
  ASSERT_TRUE(o.order && o.order->course);
  Session s = session_at("2026-11-18T09:00:00Z");
  s.dose_record = o.id;
  ASSERT_TRUE(prepare_administration(clinic_, s));
  expect_refused(s, "is for the sessions of course");  // the session names no course
  s.course = course->id;
  const auto first = clinic_.acting_as("nurse.kim").record_session(s);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->session.checked_by, ketapath::testing::kChecker);
  EXPECT_EQ(first->session.recorded_by, "nurse.kim");
  // The same order for the course's next session two days later, with a new check.
  Session next = session_at("2026-11-20T09:00:00Z");
  next.course = course->id;
  next.dose_record = o.id;
  ASSERT_TRUE(prepare_administration(clinic_, next));
  ASSERT_TRUE(clinic_.acting_as("nurse.kim").record_session(next));
}

TEST_F(OrderService, TheDoubleCheckIsASecondUsersAndMustMatch) {
  const DoseRecord o = order(kToday);
  Session s = session_at("2026-11-20T08:00:00Z");
  s.dose_record = o.id;
  s.checklist = complete_checklist(s.started_at);
  expect_refused(s, "no independent double check");
  // nurse.kim checks and would record: refused.
  auto self = clinic_.acting_as("nurse.kim")
                  .record_double_check(o.id, kToday, core::Kilograms(70), core::Milligrams(35));
  ASSERT_TRUE(self);
  s.double_check = self->id;
  expect_refused(s, "who records this administration: the check must be by a second user");
  // Another user's check with another dose: both values shown.
  auto other = clinic_.acting_as(ketapath::testing::kChecker)
                   .record_double_check(o.id, kToday, core::Kilograms(70), core::Milligrams(3.5));
  s.double_check = other->id;
  expect_refused(s, "dose 35 mg here, 3.5 mg by check.nurse");
  // A front desk user cannot check at all, and a check outside the order's days is refused.
  ASSERT_TRUE(clinic_.add_user("desk.bo", {Role::FrontDesk}));
  EXPECT_EQ(clinic_.acting_as("desk.bo")
                .record_double_check(o.id, kToday, core::Kilograms(70), core::Milligrams(35))
                .error()
                .code,
            core::ErrorCode::Unauthorized);
  EXPECT_EQ(clinic_
                .record_double_check(o.id, kToday + std::chrono::days(1), core::Kilograms(70),
                                     core::Milligrams(35))
                .error()
                .code,
            core::ErrorCode::Validation);
  // Off for IV by the admin's setting: then no check is needed.
  MedicationSafetyPolicy policy;
  policy.double_check_iv = false;
  ASSERT_TRUE(clinic_.set_medication_safety(policy));
  s.double_check.reset();
  const auto r = clinic_.acting_as("nurse.kim").record_session(s);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->session.checked_by, "");
  policy.min_fasting_hours = 13;  // outside 0-12 h
  EXPECT_EQ(clinic_.set_medication_safety(policy).error().code, core::ErrorCode::Validation);
}

TEST_F(OrderService, AnIncompleteChecklistIsRefusedUntilAPrescriberWaivesTheItem) {
  const DoseRecord o = order(kToday);
  Session s = session_at("2026-11-20T08:00:00Z");
  s.dose_record = o.id;
  ASSERT_TRUE(prepare_administration(clinic_, s));
  s.checklist->escort_home_arranged.reset();
  s.checklist->pregnancy_test.reset();
  expect_refused(s,
                 "escort: escort_home_arranged is not answered; pregnancy_test: a pregnancy "
                 "test applies (sex F, age 41) and is not done");
  // The waiver needs a prescriber and is audited.
  EXPECT_EQ(clinic_.acting_as("nurse.kim")
                .waive_checklist_item(o.id, kToday, ChecklistItem::Escort, "taxi")
                .error()
                .code,
            core::ErrorCode::Unauthorized);
  EXPECT_EQ(clinic_.waive_checklist_item(o.id, kToday, ChecklistItem::Escort, " \t").error().code,
            core::ErrorCode::Validation);
  const auto before = audit_count();
  ASSERT_TRUE(clinic_.waive_checklist_item(o.id, kToday, ChecklistItem::Escort,
                                           "clinic taxi booked to the door"));
  EXPECT_EQ(store_.audit().entries(before + 1, 1)->front().record.action, "checklist.waive");
  expect_refused(s, "pregnancy_test: a pregnancy test applies");  // one waived, one still unmet
  ASSERT_TRUE(clinic_.waive_checklist_item(o.id, kToday, ChecklistItem::PregnancyTest,
                                           "hysterectomy 2019 (letter on file)"));
  const auto r = clinic_.acting_as("nurse.kim").record_session(s);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->session.checklist->waivers.size(), 2u);
  EXPECT_NE(r->session.checklist->waivers[0].find("escort: clinic taxi booked to the door (waived "
                                                  "by dr.lee"),
            std::string::npos);
  // The waivers and the check are used by that session, shown back as stored.
  const auto stored = clinic_.sessions(patient_);
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ(stored->front().checklist->waivers, r->session.checklist->waivers);
  const auto checks = clinic_.order_checks(o.id);  // a named result: the loop reads into it
  ASSERT_TRUE(checks) << checks.error().message;
  for (const OrderCheck& c : *checks) {
    EXPECT_EQ(c.session, r->session.id);
    EXPECT_FALSE(c.weight || c.dose);  // listed without the checker's numbers
  }
}

TEST_F(OrderService, APositivePregnancyTestCannotBeWaived) {
  const DoseRecord o = order(kToday);
  Session s = session_at("2026-11-20T08:00:00Z");
  s.dose_record = o.id;
  ASSERT_TRUE(prepare_administration(clinic_, s));
  s.checklist->pregnancy_test = PregnancyTest::Positive;
  ASSERT_TRUE(clinic_.waive_checklist_item(o.id, kToday, ChecklistItem::PregnancyTest, "no"));
  expect_refused(s, "the pregnancy test is positive: no ketamine (cannot be waived)");
}

}  // namespace
}  // namespace ketapath::clinic
