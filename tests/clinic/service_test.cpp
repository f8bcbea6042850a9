// ClinicService over the in-memory store: one audited transaction per write, nothing stored on a
// refusal or a failed commit, and the course/session/alert wiring.

#include "clinic/service/service.h"

#include <gtest/gtest.h>

#include "administration.h"
#include "clinic/json/json.h"
#include "fixtures.h"
#include "service_fixture.h"
#include "store/memory/memory_store.h"

namespace ketapath::clinic {
namespace {

using namespace testing;
using ketapath::testing::prepare_administration;

class ServiceTest : public ClinicWithPatient {
 protected:
  Session session_at(const char* start, double systolic_during) {
    return iv_session_rated(patient_, at(start), systolic_during);
  }
};

TEST_F(ServiceTest, AcceptanceDoseIsRecordedAndAudited) {
  const auto before = audit_count();
  DoseOrder order;
  order.patient = patient_;
  order.route = Route::Iv;
  order.dose = core::MilligramsPerKilogram(0.5);
  order.duration = core::Minutes(40.0);
  order.concentration = core::MilligramsPerMillilitre(1.0);
  order.on = kToday;
  const auto d = clinic_.calculate_dose(order);
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->calculation.dose.value(), 35.0);
  EXPECT_EQ(d->calculation.volume.value(), 35.0);
  EXPECT_DOUBLE_EQ(d->calculation.rate->value(), 52.5);
  EXPECT_EQ(d->calculated_by, "dr.lee");
  EXPECT_EQ(audit_count(), before + 1);
  const auto entries = *store_.audit().entries(before + 1, 1);
  EXPECT_EQ(entries[0].record.action, "dose.calculate");
  EXPECT_EQ(entries[0].record.actor, "dr.lee");
  EXPECT_EQ(entries[0].record.at, kNow);
  EXPECT_EQ(entries[0].record.before_json, "null");
  EXPECT_NE(entries[0].record.after_json.find("\"rate_ml_per_h\":52.5"), std::string::npos);
  EXPECT_EQ(clinic_.doses(patient_)->size(), 1u);
}

// Issue 10 item 7: a treatment day far from today (a typo'd year) is refused on every dose path
// that takes one, and stores nothing; the preview refuses it the same way.
TEST_F(ServiceTest, DoseDaysFarFromTodayAreRefused) {
  const auto before = audit_count();
  DoseOrder order;
  order.patient = patient_;
  order.route = Route::Iv;
  order.dose = core::MilligramsPerKilogram(0.5);
  order.on = kToday + std::chrono::days(31);
  const auto late = clinic_.calculate_dose(order);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, core::ErrorCode::Validation);
  EXPECT_NE(late.error().message.find("dose: treatment day must be between"), std::string::npos)
      << late.error().message;
  order.on = kToday - std::chrono::days(31);
  EXPECT_EQ(clinic_.preview_dose(order).error().code, core::ErrorCode::Validation);
  order.on = kToday + std::chrono::days(30);  // the edge passes the date rule (weight is older)
  const auto edge = clinic_.preview_dose(order);
  EXPECT_TRUE(!edge || edge.error().message.find("treatment day") == std::string::npos);
  EXPECT_EQ(audit_count(), before);
}

TEST_F(ServiceTest, RefusalsStoreNothing) {
  const auto before = audit_count();
  Patient heavy = adult_70kg();
  heavy.weights = {{kToday, core::Kilograms(700.0), false}};
  EXPECT_EQ(clinic_.add_patient(heavy).error().code, core::ErrorCode::Validation);
  EXPECT_FALSE(clinic_.add_weight(patient_, {kToday, core::Kilograms(0.0), false}));
  DoseOrder order;
  order.patient = patient_;
  order.dose = core::MilligramsPerKilogram(35.0);
  order.on = kToday;
  EXPECT_EQ(clinic_.calculate_dose(order).error().code, core::ErrorCode::LimitExceeded);
  Session future = session_at("2026-11-21T09:00:00Z", 130);
  EXPECT_EQ(clinic_.record_session(future).error().code, core::ErrorCode::Validation);
  Session bad_bp = session_at("2026-11-20T08:00:00Z", 400);
  EXPECT_EQ(clinic_.record_session(bad_bp).error().code, core::ErrorCode::Validation);
  EXPECT_EQ(audit_count(), before);
  EXPECT_EQ(clinic_.patients()->size(), 1u);
  EXPECT_EQ(clinic_.patient(patient_)->weights.size(), 1u);
  EXPECT_TRUE(clinic_.doses(patient_)->empty());
  EXPECT_TRUE(clinic_.sessions(patient_)->empty());
}

TEST_F(ServiceTest, FailedCommitLeavesNoTrace) {
  const auto before = audit_count();
  store_.fail_next_commit();
  const auto r = clinic_.add_weight(patient_, {kToday, core::Kilograms(71.0), false});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::Storage);
  EXPECT_EQ(clinic_.patient(patient_)->weights.size(), 1u);
  EXPECT_EQ(audit_count(), before);
}

TEST_F(ServiceTest, UnknownIdsAreNotFound) {
  EXPECT_EQ(clinic_.patient(PatientId(999)).error().code, core::ErrorCode::NotFound);
  EXPECT_EQ(clinic_.screen(PatientId(999), {}).error().code, core::ErrorCode::NotFound);
  EXPECT_EQ(clinic_.course(CourseId(999)).error().code, core::ErrorCode::NotFound);
}

TEST_F(ServiceTest, ScreeningIsStoredWithInputAndResult) {
  ScreeningInput in;
  in.gad = {24, true, true, true, true, true, false, false, false, true, true};
  in.contraindications = {false, false, false, false, false, false,
                          false, false, false, false, false};
  const auto r = clinic_.screen(patient_, in);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result.eligibility, Eligibility::Eligible);
  const auto stored = clinic_.screenings(patient_);
  ASSERT_EQ(stored->size(), 3u);  // the two of clear_for_treatment, then this one
  EXPECT_EQ(canonical(to_json(stored->back())), canonical(to_json(*r)));
  EXPECT_EQ(stored->back().screened_on, kToday);
}

TEST_F(ServiceTest, SessionFulfilsPlannedCourseSessionAndRaisesAlerts) {
  const auto course =
      clinic_.plan_course(patient_, CourseProtocol::IvLoading, day("2026-11-18"), {});
  ASSERT_TRUE(course) << course.error().message;
  ASSERT_EQ(course->sessions.size(), 6u);
  Session s = session_at("2026-11-18T09:00:00Z", 185);  // pause threshold is 180
  s.course = course->id;
  ASSERT_TRUE(prepare_administration(clinic_, s));
  const auto r = clinic_.record_session(s);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->session.dose.value(), 35.0);  // from the weight, 70 kg x 0.5 mg/kg
  EXPECT_EQ(r->session.ratings[0].total, 14);
  ASSERT_EQ(r->alerts.size(), 1u);
  EXPECT_EQ(r->alerts[0].level, AlertLevel::Pause);
  EXPECT_EQ(clinic_.alerts(patient_)->size(), 1u);
  const Course after = *clinic_.course(course->id);
  EXPECT_EQ(after.sessions[0].status, PlannedStatus::Done);
  EXPECT_EQ(after.sessions[0].actual_on, day("2026-11-18"));
  EXPECT_EQ(after.sessions[0].session, r->session.id);
  EXPECT_EQ(after.sessions[1].status, PlannedStatus::Planned);
  // The same planned session cannot be recorded twice.
  Session again = session_at("2026-11-20T09:00:00Z", 130);
  again.course = course->id;
  again.course_session_number = 1;
  ASSERT_TRUE(prepare_administration(clinic_, again));
  EXPECT_EQ(clinic_.record_session(again).error().code, core::ErrorCode::Conflict);
  // Without a number, the next planned one is taken.
  again.course_session_number.reset();
  EXPECT_EQ(clinic_.record_session(again)->session.course_session_number, 2);
}

// The day schedule: every active course's sessions still planned on a day, by patient name; a
// cancelled course leaves it, and the front desk (no clinical detail) may not read it.
TEST_F(ServiceTest, DayScheduleListsThePlannedSessionsOfActiveCoursesByName) {
  Patient other = adult_70kg();
  other.id = PatientId(0);
  other.name = "Aaron Before";
  const auto other_id = clinic_.add_patient(other);
  ASSERT_TRUE(other_id) << other_id.error().message;
  clear_for_treatment(clinic_, *other_id);
  const auto mine = clinic_.plan_course(patient_, CourseProtocol::IvLoading, kToday, {});
  ASSERT_TRUE(mine) << mine.error().message;
  const auto theirs = clinic_.plan_course(*other_id, CourseProtocol::IvLoading, kToday, {});
  ASSERT_TRUE(theirs) << theirs.error().message;
  const Date first = mine->sessions.at(0).planned_on;
  ASSERT_EQ(theirs->sessions.at(0).planned_on, first);

  const auto due = clinic_.day_schedule(first);
  ASSERT_TRUE(due) << due.error().message;
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[0].patient_name, "Aaron Before");
  EXPECT_EQ((*due)[0].course, theirs->id);
  EXPECT_EQ((*due)[1].patient, patient_);
  EXPECT_EQ((*due)[1].session.number, 1);
  EXPECT_EQ((*due)[1].of, static_cast<int>(mine->sessions.size()));
  EXPECT_EQ((*due)[1].session.dose.value(), mine->sessions.at(0).dose.value());
  // Every row is a planned session of that day, and no other day's session is listed.
  const Date second = mine->sessions.at(1).planned_on;
  ASSERT_NE(second, first);
  const auto later = clinic_.day_schedule(second);  // a named Result: the loop reads into it
  ASSERT_TRUE(later) << later.error().message;
  for (const ScheduledSession& s : *later) {
    EXPECT_EQ(s.session.planned_on, second);
    EXPECT_EQ(s.session.status, PlannedStatus::Planned);
  }
  EXPECT_TRUE(clinic_.day_schedule(first - std::chrono::days(1))->empty());

  ASSERT_TRUE(clinic_.cancel_course(theirs->id, "moved to another clinic"));
  const auto after = clinic_.day_schedule(first);
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ(after->at(0).patient, patient_);

  ASSERT_TRUE(clinic_.add_user("desk.bo", {Role::FrontDesk}));
  EXPECT_EQ(clinic_.acting_as("desk.bo").day_schedule(first).error().code,
            core::ErrorCode::Unauthorized);
}

TEST_F(ServiceTest, SessionDoseMustMatchWeightTimesMgPerKg) {
  Session s = session_at("2026-11-20T08:00:00Z", 130);
  s.ended_at = at("2026-11-20T10:00:00Z");
  s.dose = core::Milligrams(350.0);
  const auto r = clinic_.record_session(s);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("does not match 70 kg x 0.5 mg/kg = 35 mg (got 350 mg)"),
            std::string::npos);
  s.dose_per_kg = core::MilligramsPerKilogram(35.0);
  s.dose = core::Milligrams(0.0);
  const auto mg = clinic_.record_session(s);
  ASSERT_FALSE(mg);
  EXPECT_NE(mg.error().message.find("did you mean 35 mg?"), std::string::npos);
}

TEST_F(ServiceTest, CourseStartMoreThanAYearAgoIsRefused) {
  EXPECT_EQ(
      clinic_.plan_course(patient_, CourseProtocol::IvLoading, day("2025-10-01"), {}).error().code,
      core::ErrorCode::Validation);
  EXPECT_TRUE(clinic_.plan_course(patient_, CourseProtocol::IvLoading, day("2026-01-01"), {}));
}

TEST_F(ServiceTest, PlannedDosesMustRespectTheHardLimit) {
  CoursePlanOptions o;
  o.dose = core::MilligramsPerKilogram(2.0);
  EXPECT_EQ(
      clinic_.plan_course(patient_, CourseProtocol::MaintenanceWeekly, kToday, o).error().code,
      core::ErrorCode::LimitExceeded);
}

TEST_F(ServiceTest, SettingsAreEditableAuditedAndUsed) {
  DosingPolicy strict;
  strict.max_weight_age_days = 1;
  ASSERT_TRUE(clinic_.set_dosing_policy(strict));
  EXPECT_EQ(clinic_.dosing_policy()->max_weight_age_days, 1);
  DoseOrder order;
  order.patient = patient_;
  order.dose = core::MilligramsPerKilogram(0.5);
  order.on = kToday;  // weight is 2 days old
  EXPECT_EQ(clinic_.calculate_dose(order).error().code, core::ErrorCode::Validation);
  const auto last = store_.audit().entries(audit_count(), 1);
  ASSERT_TRUE(last);
  EXPECT_EQ((*last)[0].record.action, "setting.dosing_policy");
  EXPECT_NE((*last)[0].record.before_json.find("\"max_weight_age_days\":30"), std::string::npos);
  SafetyThresholds bad;
  bad.stop_systolic = 100;
  EXPECT_FALSE(clinic_.set_safety_thresholds(bad));
}

TEST_F(ServiceTest, DrugLibraryEditsReplaceTheEntry) {
  DrugEntry e = *clinic_.drug("ketamine");
  e.limits[0].soft_max = core::MilligramsPerKilogram(1.0);
  ASSERT_TRUE(clinic_.save_drug(e));
  EXPECT_EQ(clinic_.drugs()->size(), 1u);
  EXPECT_EQ(limits_for(*clinic_.drug("ketamine"), Route::Iv)->soft_max.value(), 1.0);
}

TEST_F(ServiceTest, AuditChainDetectsTampering) {
  ASSERT_TRUE(clinic_.add_weight(patient_, {kToday, core::Kilograms(71.0), false}));
  auto v = clinic_.verify_audit();
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->intact);
  store_.tamper_audit(2, "{\"name\":\"someone else\"}");
  v = clinic_.verify_audit();
  EXPECT_FALSE(v->intact);
  EXPECT_FALSE(v->problems.empty());
}

TEST_F(ServiceTest, ResponseOverRecordedSessions) {
  ASSERT_TRUE(clinic_.add_weight(patient_, {day("2026-10-30"), core::Kilograms(70.0), false}));
  for (const char* start : {"2026-11-02T09:00:00Z", "2026-11-09T09:00:00Z"}) {
    Session s = session_at(start, 130);
    s.dose = core::Milligrams(35.0);
    if (std::string(start).starts_with("2026-11-09")) {
      s.ratings[0].items = {1, 1, 1, 1, 1, 1, 1};
    }
    ASSERT_TRUE(prepare_administration(clinic_, s));
    ASSERT_TRUE(clinic_.record_session(s));
  }
  const auto r = clinic_.response(patient_, Scale::Gad7);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r->baseline, 14);
  EXPECT_EQ(r->latest, ResponseStatus::Response);
}

TEST_F(ServiceTest, SessionUsesAndLinksItsDoseRecord) {
  DoseOrder order;
  order.patient = patient_;
  order.route = Route::Iv;
  order.dose = core::MilligramsPerKilogram(0.5);
  order.on = kToday;
  const auto dose = clinic_.calculate_dose(order);
  ASSERT_TRUE(dose);
  Session s = session_at("2026-11-20T08:00:00Z", 130);
  s.ended_at = at("2026-11-20T10:00:00Z");
  s.dose_record = dose->id;
  ASSERT_TRUE(prepare_administration(clinic_, s));
  const auto r = clinic_.record_session(s);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->session.dose.value(), 35.0);
  EXPECT_EQ((*clinic_.doses(patient_))[0].session, r->session.id);
  // A dose record for another route or mg/kg does not document this session.
  Session other = session_at("2026-11-19T08:00:00Z", 130);
  other.dose_record = dose->id;
  other.dose_per_kg = core::MilligramsPerKilogram(0.75);
  EXPECT_EQ(clinic_.record_session(other).error().code, core::ErrorCode::Validation);
  other.dose_per_kg = core::MilligramsPerKilogram(0.5);  // matches, but already used
  EXPECT_EQ(clinic_.record_session(other).error().code, core::ErrorCode::Conflict);
}

TEST_F(ServiceTest, AlertIsAcknowledgedOnceWithANoteAndAudited) {
  Session first = session_at("2026-11-18T09:00:00Z", 185);
  ASSERT_TRUE(prepare_administration(clinic_, first));
  const auto r = clinic_.record_session(first);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->alerts.size(), 1u);
  const AlertId id = r->alerts[0].id;
  ASSERT_EQ(clinic_.open_alerts()->size(), 1u);
  const auto entries = audit_count();

  // A note is required, and bounded; neither refusal writes anything.
  EXPECT_EQ(clinic_.acknowledge_alert(id, " \n").error().code, core::ErrorCode::Validation);
  EXPECT_EQ(clinic_.acknowledge_alert(id, std::string(2001, 'x')).error().code,
            core::ErrorCode::Validation);
  EXPECT_EQ(clinic_.acknowledge_alert(AlertId(999), "checked").error().code,
            core::ErrorCode::NotFound);
  EXPECT_EQ(audit_count(), entries);
  EXPECT_FALSE(clinic_.alerts(patient_)->front().acknowledged);

  const auto a = clinic_.acknowledge_alert(id, "BP rechecked 150/90 after 10 min, resumed");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_TRUE(a->acknowledged);
  EXPECT_EQ(a->acknowledged_by, "dr.lee");
  EXPECT_EQ(a->acknowledged_at, kNow);
  EXPECT_EQ(audit_count(), entries + 1);
  const auto stored = clinic_.alerts(patient_)->front();
  EXPECT_EQ(canonical(to_json(stored)), canonical(to_json(*a)));
  EXPECT_TRUE(clinic_.open_alerts()->empty());
  const auto log = store_.audit().entries(entries + 1, 1);
  ASSERT_TRUE(log);
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ(log->front().record.action, "alert.acknowledge");
  EXPECT_NE(log->front().record.after_json.find("resumed"), std::string::npos);

  // The first acknowledgement stands.
  const auto again = clinic_.acknowledge_alert(id, "second look");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, core::ErrorCode::Conflict);
  EXPECT_EQ(audit_count(), entries + 1);
}

TEST_F(ServiceTest, PositivePhq9Item9RaisesAnUrgentAlertAndWarnsAtDischarge) {
  Session s = session_at("2026-11-18T09:00:00Z", 130);
  s.ratings.push_back({Scale::Phq9,
                       s.started_at - std::chrono::minutes(5),
                       {2, 2, 1, 1, 0, 1, 1, 0, 1},
                       0,
                       "self"});
  // A discharge the record supports: 2 h 10 min after the 40-min infusion, vitals at baseline.
  s.ended_at = s.started_at + std::chrono::hours(3);
  VitalSigns after = s.vitals.front();
  after.phase = Phase::After;
  after.measured_at = s.started_at + std::chrono::minutes(165);
  s.vitals.push_back(after);
  DischargeReadiness d;
  d.assessed_at = s.started_at + std::chrono::minutes(170);
  d.alert_and_oriented = d.vitals_near_baseline = d.ambulating_steadily = d.escort_present = true;
  d.assessed_by = "rn.kim";
  s.discharge = d;
  ASSERT_TRUE(prepare_administration(clinic_, s));
  const auto r = clinic_.record_session(s);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE(r->session.discharge->ready);
  ASSERT_EQ(r->alerts.size(), 1u);
  EXPECT_EQ(r->alerts[0].level, AlertLevel::Urgent);
  // The PHQ-9 warning, beside the medication list's reminder (never reconciled).
  ASSERT_EQ(r->warnings.size(), 2u);
  EXPECT_EQ(std::ranges::count_if(
                r->warnings,
                [](const std::string& w) { return w.find("PHQ-9 item 9") != std::string::npos; }),
            1);
}

TEST(ServiceInit, UninitialisedStoreIsAStorageError) {
  MemoryStore store;
  ClinicService clinic(store, "dr.lee", [] { return kNow; });
  EXPECT_EQ(clinic.patients().error().code, core::ErrorCode::Storage);
  ASSERT_TRUE(clinic.initialize());
  add_staff(clinic);
  const auto once = store.audit().verify()->entries;
  ASSERT_TRUE(clinic.initialize());  // idempotent: nothing new to seed, no new entry
  EXPECT_EQ(store.audit().verify()->entries, once);
}

}  // namespace
}  // namespace ketapath::clinic
