// Amendments of signed records (issue 15 item 6): a correction keeps the original in the record,
// the audit and the exports; it names who, when and why; the amended values raise the alerts they
// would have raised; a screening is re-evaluated into a replacement that the gate reads; every
// refusal stores nothing.

#include "clinic/domain/amendment.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "administration.h"
#include "clinic/domain/session.h"
#include "clinic/domain/validation.h"
#include "clinic/fhir/fhir_export.h"
#include "clinic/json/json.h"
#include "clinic/service/service.h"
#include "fixtures.h"
#include "service_fixture.h"
#include "store/memory/memory_store.h"

namespace ketapath::clinic {
namespace {

using namespace testing;
using core::ErrorCode;
using ketapath::testing::prepare_administration;

Session sample(PatientId patient, Timestamp start, double systolic_during) {
  Session s = iv_session_rated(patient, start, systolic_during);
  s.adverse_events = {
      {start + std::chrono::minutes(20), "nausea", Severity::Mild, "", true, false, ""}};
  s.notes = "uneventful";
  return s;
}

TEST(AmendmentFields, EachKindOfFieldAndItsRefusals) {
  Session s = sample(PatientId(1), kNow, 150.0);
  const InputLimits limits;
  EXPECT_EQ(*amend_session_field(s, "vitals.2.systolic", "152", limits), "150");
  EXPECT_EQ(s.vitals[1].systolic->value(), 152.0);
  EXPECT_EQ(*amend_session_field(s, "vitals.1.heart_rate", "72", limits), "none");
  EXPECT_EQ(*amend_session_field(s, "vitals.1.heart_rate", "none", limits), "72");
  EXPECT_FALSE(s.vitals[0].heart_rate);
  EXPECT_EQ(*amend_session_field(s, "ratings.1.items", "3,3,3,3,3,3,3", limits), "2,2,2,2,2,2,2");
  EXPECT_EQ(s.ratings[0].total, 21) << "the total follows the amended items";
  EXPECT_EQ(*amend_session_field(s, "adverse_events.1.severity", "severe", limits), "mild");
  EXPECT_EQ(*amend_session_field(s, "adverse_events.1.serious", "yes", limits), "no");
  EXPECT_EQ(*amend_session_field(s, "notes", "vomited once", limits), "uneventful");

  const auto refused = [&](std::string_view field, std::string_view value, std::string_view says) {
    Session copy = s;
    const auto r = amend_session_field(copy, field, value, limits);
    ASSERT_FALSE(r) << field;
    EXPECT_EQ(r.error().code, ErrorCode::Validation);
    EXPECT_NE(r.error().message.find(says), std::string::npos) << r.error().message;
    EXPECT_EQ(to_json(copy), to_json(s)) << "a refused change leaves the record as it was";
  };
  refused("vitals.3.systolic", "140", "vitals has 2 entries");
  refused("vitals.2.systolic", "400", "systolic BP must be");
  refused("vitals.2.systolic", "abc", "\"abc\" is not a number");
  refused("vitals.1.systolic", "70", "systolic BP must exceed diastolic");
  refused("ratings.1.items", "3,3,3", "GAD-7");
  refused("ratings.1.total", "5", "ratings members: items");
  refused("dose_mg", "40", "the dose, route, times, order, lot and checks are not amendable");
  refused("adverse_events.1.severity", "awful", "awful");
  refused("notes", "bell\x07", "control characters");

  ScreeningInput in = eligible_answers();
  EXPECT_EQ(*amend_screening_field(in, "contraindications.psychosis", "yes"), "no");
  EXPECT_EQ(in.contraindications.psychosis, true);
  EXPECT_EQ(*amend_screening_field(in, "gad.restlessness", "unknown"), "yes");
  EXPECT_FALSE(in.gad.restlessness);
  EXPECT_EQ(*amend_screening_field(in, "gad.worry_duration_months", "7"), "36");
  EXPECT_FALSE(amend_screening_field(in, "contraindications.psychosiss", "yes"));
  EXPECT_FALSE(amend_screening_field(in, "policy.min_age_years", "16"));
  EXPECT_FALSE(validate_amendment_reason(" \u00a0"));
  EXPECT_TRUE(validate_amendment_reason("transcription error"));
}

class AmendmentService : public ClinicWithPatient {
 protected:
  void SetUp() override {
    ClinicWithPatient::SetUp();
    if (HasFatalFailure()) {
      return;
    }
    ASSERT_TRUE(clinic_.add_user("desk", {Role::FrontDesk}));
    Session s = sample(patient_, kNow - std::chrono::hours(3), 150.0);
    ASSERT_TRUE(prepare_administration(clinic_, s));
    const auto recorded = clinic_.record_session(s);
    ASSERT_TRUE(recorded) << recorded.error().message;
    session_ = recorded->session.id;
  }

  core::Result<AmendmentResult> amend(AmendedKind kind, std::int64_t record,
                                      std::vector<FieldChange> changes,
                                      std::string reason = "transcription error") {
    return clinic_.amend(
        {.kind = kind, .record = record, .changes = std::move(changes), .reason = reason});
  }

  SessionId session_{};
};

TEST_F(AmendmentService, KeepsTheOriginalInTheRecordTheAuditAndTheExports) {
  const auto alerts_before = clinic_.alerts(patient_)->size();
  const auto before = audit_count();
  const auto r = amend(AmendedKind::Session, session_.value(),
                       {{"vitals.2.systolic", "185"}, {"notes", "BP re-read from the monitor"}},
                       "monitor value mis-typed");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->amendments.size(), 2u);
  EXPECT_EQ(audit_count(), before + 1);

  // The record: amended values, and the amendments with the originals beside them.
  const auto sessions = *clinic_.sessions(patient_);
  const Session& s = sessions.front();
  EXPECT_EQ(s.vitals[1].systolic->value(), 185.0);
  ASSERT_EQ(s.amendments.size(), 2u);
  EXPECT_EQ(s.amendments[0].field, "vitals.2.systolic");
  EXPECT_EQ(s.amendments[0].original, "150");
  EXPECT_EQ(s.amendments[0].amended, "185");
  EXPECT_EQ(s.amendments[0].reason, "monitor value mis-typed");
  EXPECT_EQ(s.amendments[0].amended_by, "dr.lee");
  EXPECT_EQ(s.amendments[0].amended_at, kNow);

  // The audit: one entry under the real person, the record before (original) and after.
  const auto entry = store_.audit().entries(before + 1, 1)->front().record;
  EXPECT_EQ(entry.action, "session.amend");
  EXPECT_EQ(entry.actor, "dr.lee");
  EXPECT_EQ(entry.entity, fmt::format("session/{}", session_.value()));
  EXPECT_NE(entry.before_json.find("\"systolic_mmhg\":150"), std::string::npos)
      << entry.before_json;
  EXPECT_NE(entry.after_json.find("\"systolic_mmhg\":185"), std::string::npos);
  EXPECT_NE(entry.after_json.find("\"original\":\"150\""), std::string::npos);

  // The amended value raises the alert the original would not have.
  EXPECT_EQ(clinic_.alerts(patient_)->size(), alerts_before + r->alerts.size());
  ASSERT_FALSE(r->alerts.empty());
  EXPECT_EQ(r->alerts.front().measure, "systolic_bp");
  EXPECT_EQ(r->alerts.front().session, session_);

  // The exports: the JSON chart shows the amendment; FHIR marks the observation amended and
  // keeps the original value in a note.
  const Json j = to_json(s);
  EXPECT_EQ(j["amendments"][0]["original"], "150");
  const auto data = fhir_export_data(clinic_, patient_);
  ASSERT_TRUE(data) << data.error().message;
  const std::string text = fhir_bundle(*data).dump();
  EXPECT_NE(text.find("\"status\":\"amended\""), std::string::npos);
  EXPECT_NE(text.find("original 150"), std::string::npos);
}

TEST_F(AmendmentService, RefusalsStoreNothing) {
  const auto before = audit_count();
  const auto session_json = to_json(clinic_.sessions(patient_)->front());
  const auto code = [&](core::Result<AmendmentResult> r) {
    return r ? ErrorCode::Internal : r.error().code;
  };
  EXPECT_EQ(
      code(amend(AmendedKind::Session, session_.value(), {{"vitals.2.systolic", "140"}}, " ")),
      ErrorCode::Validation);
  EXPECT_EQ(code(amend(AmendedKind::Session, session_.value(), {})), ErrorCode::Validation);
  EXPECT_EQ(code(amend(AmendedKind::Session, session_.value(),
                       {{"notes", "ok"}, {"vitals.9.systolic", "140"}})),
            ErrorCode::Validation)
      << "one bad change refuses the whole amendment";
  EXPECT_EQ(code(amend(AmendedKind::Session, session_.value(), {{"dose_mg", "10"}})),
            ErrorCode::Validation);
  EXPECT_EQ(code(amend(AmendedKind::Session, 999, {{"notes", "x"}})), ErrorCode::NotFound);
  EXPECT_EQ(code(clinic_.acting_as("desk").amend({.kind = AmendedKind::Session,
                                                  .record = session_.value(),
                                                  .changes = {{"notes", "x"}},
                                                  .reason = "typo"})),
            ErrorCode::Unauthorized);
  EXPECT_EQ(audit_count(), before);
  EXPECT_EQ(to_json(clinic_.sessions(patient_)->front()), session_json);
  EXPECT_TRUE(clinic_.amendments(patient_)->empty());
}

TEST_F(AmendmentService, AnAmendedRatingRaisesItsAlert) {
  Assessment a;
  a.patient = patient_;
  a.rating = {Scale::Phq9, kNow - std::chrono::hours(1), {1, 1, 1, 1, 1, 1, 1, 1, 0}, 0, "self"};
  const auto recorded = clinic_.record_assessment(a);
  ASSERT_TRUE(recorded) << recorded.error().message;
  EXPECT_TRUE(recorded->alerts.empty());
  const auto r = amend(AmendedKind::Assessment, recorded->assessment.id.value(),
                       {{"items", "1,1,1,1,1,1,1,1,2"}}, "item 9 was read from the wrong column");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->alerts.size(), 1u);
  EXPECT_EQ(r->alerts[0].measure, "phq9_item9");
  const auto stored = clinic_.assessments(patient_)->front();
  EXPECT_EQ(stored.rating.total, 10);
  ASSERT_EQ(stored.amendments.size(), 1u);
  EXPECT_EQ(stored.amendments[0].original, "1,1,1,1,1,1,1,1,0");
  // Amending again to the same values raises nothing twice.
  const auto again = amend(AmendedKind::Assessment, recorded->assessment.id.value(),
                           {{"notes", "C-SSRS done"}}, "note added");
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_TRUE(again->alerts.empty());
}

TEST_F(AmendmentService, AScreeningIsReEvaluatedAndTheGateReadsTheCorrection) {
  const auto screenings = *clinic_.screenings(patient_);
  const ScreeningRecord latest = screenings.back();
  DoseOrder order;
  order.patient = patient_;
  order.route = Route::Iv;
  order.dose = core::MilligramsPerKilogram(0.5);
  order.on = kToday + std::chrono::days(2);  // past the minimum interval after the session
  const auto first = clinic_.preview_dose(order);
  ASSERT_TRUE(first) << first.error().message;

  const auto r =
      amend(AmendedKind::Screening, latest.id.value(), {{"contraindications.psychosis", "yes"}},
            "psychosis history in the GP letter");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE(r->screening);
  EXPECT_EQ(r->screening->amends, latest.id);
  EXPECT_EQ(r->screening->result.eligibility, Eligibility::NotEligible);
  EXPECT_EQ(screening_day(*r->screening), screening_day(latest)) << "validity is not extended";
  const auto after = *clinic_.screenings(patient_);
  ASSERT_EQ(after.size(), screenings.size() + 1);
  EXPECT_EQ(to_json(after[screenings.size() - 1]), to_json(latest)) << "the original stays";
  ASSERT_EQ(after.back().amendments.size(), 1u);
  EXPECT_EQ(after.back().amendments[0].original, "no");

  const auto refused = clinic_.preview_dose(order);
  ASSERT_FALSE(refused) << "the gate reads the amended screening";
  EXPECT_NE(refused.error().message.find("is not_eligible (current or past psychosis"),
            std::string::npos)
      << refused.error().message;

  const auto twice = amend(AmendedKind::Screening, latest.id.value(),
                           {{"contraindications.psychosis", "no"}}, "again");
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message.find("already amended by screening"), std::string::npos);
  // Correcting the correction: the replacement is amended in turn, and the patient is eligible
  // again on the original's day.
  ASSERT_TRUE(amend(AmendedKind::Screening, r->screening->id.value(),
                    {{"contraindications.psychosis", "no"}}, "GP letter was another patient's"));
  const auto again = clinic_.preview_dose(order);
  ASSERT_TRUE(again) << again.error().message;
}

}  // namespace
}  // namespace ketapath::clinic
