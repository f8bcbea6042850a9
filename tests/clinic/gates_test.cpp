// The clearance gate (clearance.h), the one dose check (ClinicService::check_dose) and the
// settings' absolute bounds (bounds.h), over the in-memory store.

#include <algorithm>

#include <gtest/gtest.h>

#include "administration.h"
#include "clinic/domain/bounds.h"
#include "clinic/domain/clearance.h"
#include "clinic/domain/dose_calculator.h"
#include "clinic/service/service.h"
#include "core/number_text.h"
#include "fixtures.h"
#include "store/memory/memory_store.h"

namespace ketapath::clinic {
namespace {

using namespace testing;
using core::ErrorCode;
using std::chrono::days;

ScreeningRecord screening(std::int64_t id, const char* on, Eligibility e,
                          std::vector<std::string> reasons = {}) {
  ScreeningRecord s;
  s.id = ScreeningId(id);
  s.screened_on = day(on);
  s.performed_at = at("2026-11-20T12:00:00Z");
  s.result.eligibility = e;
  s.result.reasons = std::move(reasons);
  return s;
}

TEST(ClearanceGate, NamesWhatIsMissing) {
  ClearanceRecords r;
  const auto message = [&](const char* on) {
    auto basis = check_clearance(r, day(on), 90, "dose");
    return basis ? std::string("cleared") : basis.error().message;
  };
  EXPECT_NE(message("2026-11-20").find("dose: no informed consent"), std::string::npos);
  r.consents.push_back({ConsentId(1), PatientId(1), day("2026-11-01"), "v1", "W", {}, "n"});
  EXPECT_NE(message("2026-11-20").find("no screening on or before 2026-11-20"), std::string::npos);
  r.screenings.push_back(screening(1, "2026-11-02", Eligibility::Eligible));
  EXPECT_EQ(message("2026-11-20"), "cleared");
  EXPECT_EQ(message("2027-01-31"), "cleared");  // day 90
  EXPECT_NE(message("2027-02-01").find("screening 1 of 2026-11-02 expired on 2027-01-31"),
            std::string::npos)
      << message("2027-02-01");
  EXPECT_NE(message("2026-10-31").find("no informed consent"), std::string::npos);
  // A later not_eligible screening supersedes; nothing clears it.
  r.screenings.push_back(
      screening(2, "2026-11-10", Eligibility::NotEligible, {"exclusion: psychosis (excluded)"}));
  EXPECT_NE(message("2026-11-20").find("is not_eligible (psychosis (excluded))"),
            std::string::npos);
  EXPECT_EQ(message("2026-11-05"), "cleared");  // before it, the eligible one stood
  EXPECT_EQ(check_clearable(r.screenings[1]).error().code, ErrorCode::Validation);
  EXPECT_EQ(check_clearable(r.screenings[0]).error().code, ErrorCode::Conflict);
  // needs_review: blocked until a prescriber clears that very screening.
  r.screenings.push_back(
      screening(3, "2026-11-12", Eligibility::NeedsReview, {"review: interacting medication"}));
  EXPECT_NE(message("2026-11-20").find("needs review (interacting medication)"), std::string::npos);
  EXPECT_TRUE(check_clearable(r.screenings[2]));
  ScreeningRecord unknown = screening(4, "2026-11-12", Eligibility::NeedsReview,
                                      {"review: contraindications.pregnancy is unknown (pregnancy "
                                       "or breastfeeding): an exclusion must be answered"});
  unknown.result.unknown_answers = {"contraindications.pregnancy"};
  unknown.result.unknown_exclusions = {"contraindications.pregnancy"};
  EXPECT_NE(check_clearable(unknown).error().message.find(
                "unanswered items (contraindications.pregnancy), among them exclusions"),
            std::string::npos);
  r.clearances.push_back(
      {ClearanceId(1), PatientId(1), ScreeningId(3), "checked", at("2026-11-13T10:00:00Z"), "dr"});
  EXPECT_EQ(message("2026-11-20"), "cleared");
  EXPECT_NE(message("2026-11-12").find("needs review"), std::string::npos);  // cleared the 13th
}

TEST(DoseLimits, DifferentNumbersLookDifferent) {
  EXPECT_EQ(core::distinct_numbers(1.5004, 1.5),
            (std::pair<std::string, std::string>{"1.5004", "1.5"}));
  EXPECT_EQ(core::distinct_numbers(1.6, 1.5), (std::pair<std::string, std::string>{"1.6", "1.5"}));
  EXPECT_EQ(core::distinct_numbers(1.5, 1.5), (std::pair<std::string, std::string>{"1.5", "1.5"}));
}

DoseOrder make_order(PatientId patient, Route route, double mg_per_kg) {
  DoseOrder o;
  o.patient = patient;
  o.route = route;
  o.dose = core::MilligramsPerKilogram(mg_per_kg);
  o.on = kToday;
  return o;
}

TEST(DoseLimits, VolumeAndAdvisoryFitTheRoute) {
  Patient p = adult_70kg();
  const DrugEntry drug = default_ketamine_entry();
  DoseOrder sc = make_order(p.id, Route::Sc, 1.0);
  sc.concentration = core::MilligramsPerMillilitre(10.0);
  const auto c = calculate_dose(p, drug, sc, DosingPolicy{});
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_EQ(c->warnings.size(), 1u);
  EXPECT_NE(c->warnings[0].find("volume: 7 mL is more than 2 mL for one subcutaneous injection"),
            std::string::npos)
      << c->warnings[0];
  sc.concentration = core::MilligramsPerMillilitre(100.0);  // 0.7 mL: no warning, no IV advice
  EXPECT_TRUE(calculate_dose(p, drug, sc, DosingPolicy{})->warnings.empty());
  DoseOrder iv = make_order(p.id, Route::Iv, 0.5);
  EXPECT_EQ(calculate_dose(p, drug, iv, DosingPolicy{})->warnings.size(), 1u);  // the advisory
  iv.dose = core::MilligramsPerKilogram(1.0);
  iv.override_reason = " \n\t ";
  const auto blank = calculate_dose(p, drug, iv, DosingPolicy{});
  ASSERT_FALSE(blank);
  EXPECT_NE(blank.error().message.find("a blank reason"), std::string::npos);
}

TEST(SettingsBounds, NoExtremeLibraryThresholdsOrPolicy) {
  DrugEntry drug = default_ketamine_entry();
  drug.limits[0].soft_max = core::MilligramsPerKilogram(10.0);
  drug.limits[0].hard_max = core::MilligramsPerKilogram(10.0);
  const auto d = validate_drug_entry(drug);
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message.find("must be 0.05-2 mg/kg (got 10 mg/kg)"), std::string::npos)
      << d.error().message;
  SafetyThresholds t;
  t.pause_systolic = 280;
  t.stop_systolic = 290;
  t.pause_diastolic = 180;
  t.stop_diastolic = 190;
  EXPECT_EQ(validate_thresholds(t).error().code, ErrorCode::Validation);
  DosingPolicy p;
  p.min_dose_interval_hours = 1;
  EXPECT_NE(
      validate_dosing_policy(p).error().message.find("min_dose_interval_hours must be 12-336"),
      std::string::npos);
  EXPECT_TRUE(validate_dosing_policy(DosingPolicy{}));
  EXPECT_TRUE(validate_thresholds(SafetyThresholds{}));
  EXPECT_TRUE(validate_drug_entry(default_ketamine_entry()));
}

class GateService : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(clinic_.initialize());
    add_staff(clinic_);
    ASSERT_TRUE(clinic_.add_user("nurse.kim", {Role::Nurse}));
    Patient p = adult_70kg();
    p.id = PatientId(0);
    patient_ = *clinic_.add_patient(p);
  }

  std::int64_t audit_count() { return store_.audit().verify()->entries; }

  DoseOrder order(double mg_per_kg = 0.5) { return make_order(patient_, Route::Iv, mg_per_kg); }

  MemoryStore store_;
  ClinicService clinic_{store_, "dr.lee", [] {
                          return kNow;
                        }};
  PatientId patient_{};
};

TEST_F(GateService, ClearanceOfANeedsReviewScreening) {
  ASSERT_TRUE(clinic_.record_consent(patient_, kToday - days(2), "v1", "W"));
  ScreeningInput answers = eligible_answers();
  answers.contraindications.interacting_medication = true;
  const auto s = clinic_.screen(patient_, answers);
  ASSERT_TRUE(s);
  ASSERT_EQ(s->result.eligibility, Eligibility::NeedsReview);
  const auto before = audit_count();
  EXPECT_EQ(clinic_.calculate_dose(order()).error().code, ErrorCode::Validation);
  EXPECT_EQ(clinic_.acting_as("nurse.kim").clear_screening(s->id, "fine").error().code,
            ErrorCode::Unauthorized);
  EXPECT_EQ(clinic_.clear_screening(s->id, " \r\n").error().code, ErrorCode::Validation);
  EXPECT_EQ(audit_count(), before);
  const auto c = clinic_.clear_screening(s->id, "sertraline only; reviewed");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->cleared_by, "dr.lee");
  EXPECT_EQ(store_.audit().entries(before + 1, 1)->front().record.action, "screening.clear");
  EXPECT_EQ(clinic_.clear_screening(s->id, "again").error().code, ErrorCode::Conflict);
  const auto d = clinic_.calculate_dose(order());
  ASSERT_TRUE(d) << d.error().message;
}

TEST_F(GateService, PreviewAndIntervalAndRoles) {
  clear_for_treatment(clinic_, patient_);
  const auto before = audit_count();
  const auto preview = clinic_.acting_as("nurse.kim").preview_dose(order());
  ASSERT_TRUE(preview) << preview.error().message;
  EXPECT_EQ(preview->id.value(), 0);
  EXPECT_EQ(preview->calculation.dose.value(), 35.0);
  EXPECT_EQ(audit_count(), before);
  EXPECT_EQ(clinic_.acting_as("nurse.kim").calculate_dose(order()).error().code,
            ErrorCode::Unauthorized);
  EXPECT_EQ(audit_count(), before);
  // A session 4 h before now (08:00): every time of today is within 20 h of it, so an order for
  // today is refused; calculations do not count. Tomorrow is open from 04:00 UTC, and the order
  // says so (the administration is checked again at its time).
  ASSERT_TRUE(clinic_.calculate_dose(order()));
  ASSERT_TRUE(clinic_.calculate_dose(order()));
  Session s;
  s.patient = patient_;
  s.route = Route::Iv;
  s.dose_per_kg = core::MilligramsPerKilogram(0.5);
  s.started_at = kNow - std::chrono::hours(4);
  s.ended_at = s.started_at + std::chrono::hours(2);
  ASSERT_TRUE(ketapath::testing::prepare_administration(clinic_, s));
  const auto recorded = clinic_.acting_as("nurse.kim").record_session(s);
  ASSERT_TRUE(recorded) << recorded.error().message;
  const auto again = clinic_.calculate_dose(order());
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find(
                "was given ketamine at 2026-11-20T08:00:00Z (session " +
                std::to_string(recorded->session.id.value()) +
                "); no time on 2026-11-20 (2026-11-20T00:00:00Z to 2026-11-21T00:00:00Z) is 20 h "
                "from every dose"),
            std::string::npos)
      << again.error().message;
  DoseOrder tomorrow = order();
  tomorrow.on = kToday + days(1);
  const auto later = clinic_.calculate_dose(tomorrow);
  ASSERT_TRUE(later) << later.error().message;
  const auto& warnings = later->calculation.warnings;
  EXPECT_TRUE(std::ranges::any_of(warnings, [](const std::string& w) {
    return w.find(
               "on 2026-11-21 a dose keeps the minimum 20 h only from 2026-11-21T04:00:00Z to "
               "2026-11-22T00:00:00Z") != std::string::npos;
  })) << (warnings.empty() ? "(no warnings)" : warnings.front());
  // A nurse may not record a session above the soft limit without a prescriber's order.
  Session high = s;
  high.dose_record.reset();  // no order: the nurse's own dose above the soft limit
  high.double_check.reset();
  high.vitals.clear();  // the helper's pre-dose reading belongs to s's start
  high.started_at = kNow - std::chrono::hours(40);
  high.ended_at = high.started_at + std::chrono::hours(2);
  high.dose_per_kg = core::MilligramsPerKilogram(1.0);
  EXPECT_EQ(clinic_.acting_as("nurse.kim").record_session(high).error().code,
            ErrorCode::LimitExceeded);
}

}  // namespace
}  // namespace ketapath::clinic
