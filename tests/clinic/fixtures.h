#pragma once
// Shared test data: a fixed "now" and a 70 kg adult with a failed adequate sertraline trial.

#include <gtest/gtest.h>

#include "clinic/domain/patient.h"
#include "clinic/domain/session.h"
#include "clinic/domain/time.h"
#include "clinic/service/service.h"
#include "support/must.h"

namespace ketapath::clinic::testing {

inline Date day(const char* text) {
  return ketapath::testing::must(parse_date(text));
}

inline Timestamp at(const char* text) {
  return ketapath::testing::must(parse_timestamp(text));
}

inline const Timestamp kNow = at("2026-11-20T12:00:00Z");
inline const Date kToday = day("2026-11-20");

inline Patient adult_70kg() {
  Patient p;
  p.id = PatientId(1);
  p.name = "Alex Example";
  p.birth_date = day("1985-03-14");
  p.sex = Sex::Female;
  p.weights = {{day("2026-11-18"), core::Kilograms(70.0), false}};
  p.diagnoses = {{Disorder::Gad, "F41.1", day("2024-05-01"), true}};
  TreatmentTrial sertraline;
  sertraline.kind = TreatmentKind::Antidepressant;
  sertraline.name = "sertraline";
  sertraline.daily_dose = core::Milligrams(100.0);
  sertraline.min_therapeutic_daily_dose = core::Milligrams(50.0);
  sertraline.duration_weeks = 8.0;
  sertraline.outcome = TrialOutcome::NonResponse;
  p.treatment_history = {sertraline};
  return p;
}

/// The tests written before custody (issue 15) record sessions without naming a stock lot: they
/// run as a clinic upgraded to custody that has not turned it on (custody_policy.require_lot
/// false; docs/clinic.md). Custody itself: tests/store/custody_test.cpp and the session path of
/// cli_test.cpp EveryDosePathRefusesEveryViolation. Needs an admin as the acting user.
inline void without_custody(ClinicService& clinic) {
  const auto off = clinic.set_custody_policy({.require_lot = false});
  ASSERT_TRUE(off) << off.error().message;
}

/// Makes the service's acting user the first user of its (initialised, user-less) database, with
/// the admin, prescriber and nurse roles, so a test can do every clinical step as one person.
inline void add_staff(ClinicService& clinic) {
  const auto user = clinic.add_user(clinic.actor(), {Role::Admin, Role::Prescriber, Role::Nurse});
  ASSERT_TRUE(user) << user.error().message;
  without_custody(clinic);
}

/// A 2-hour IV 0.5 mg/kg session of `patient` from `start`, with one pre-dose reading of
/// 125/80 mmHg 10 minutes before it.
inline Session iv_session(PatientId patient, Timestamp start) {
  Session s;
  s.patient = patient;
  s.route = Route::Iv;
  s.dose_per_kg = core::MilligramsPerKilogram(0.5);
  s.started_at = start;
  s.ended_at = start + std::chrono::hours(2);
  VitalSigns before;
  before.measured_at = start - std::chrono::minutes(10);
  before.phase = Phase::Before;
  before.systolic = core::MillimetresOfMercury(125.0);
  before.diastolic = core::MillimetresOfMercury(80.0);
  s.vitals = {before};
  return s;
}

/// iv_session() plus a reading of `systolic_during` mmHg 30 minutes in and a pre-dose GAD-7 of 14.
inline Session iv_session_rated(PatientId patient, Timestamp start, double systolic_during) {
  Session s = iv_session(patient, start);
  VitalSigns during = s.vitals.front();
  during.phase = Phase::During;
  during.measured_at = start + std::chrono::minutes(30);
  during.systolic = core::MillimetresOfMercury(systolic_during);
  s.vitals.push_back(during);
  s.ratings = {{Scale::Gad7, s.vitals.front().measured_at, {2, 2, 2, 2, 2, 2, 2}, 0, "self"}};
  return s;
}

/// Every screening answer given: DSM-5 GAD met, no contraindication (eligible for adult_70kg()).
inline ScreeningInput eligible_answers() {
  ScreeningInput in;
  GadCriteria& g = in.gad;
  g.worry_duration_months = 36;
  g.worry_more_days_than_not = true;
  g.worry_hard_to_control = true;
  g.restlessness = true;
  g.easily_fatigued = true;
  g.poor_concentration = true;
  g.irritability = false;
  g.muscle_tension = true;
  g.sleep_disturbance = true;
  g.distress_or_impairment = true;
  g.not_better_explained = true;
  Contraindications& c = in.contraindications;
  c.uncontrolled_hypertension = false;
  c.aneurysm_or_avm = false;
  c.intracranial_bleed_history = false;
  c.psychosis = false;
  c.pregnancy = false;
  c.active_substance_use_disorder = false;
  c.current_depression = false;
  c.ischaemic_heart_or_cerebrovascular_disease = false;
  c.raised_intracranial_pressure = false;
  c.severe_hepatic_impairment = false;
  c.interacting_medication = false;
  return in;
}

/// Consent and eligible screenings 330 and 30 days before kToday: the patient passes the gate on
/// any day from 330 days ago (with a 90-day gap in the middle) until 60 days ahead.
inline void clear_for_treatment(ClinicService& clinic, PatientId id) {
  const auto consent =
      clinic.record_consent(id, kToday - std::chrono::days(340), "ketamine v1", "nurse.witness");
  ASSERT_TRUE(consent) << consent.error().message;
  for (const int days_ago : {330, 30}) {
    ScreeningChoices choices;
    choices.screened_on = kToday - std::chrono::days(days_ago);
    const auto screening = clinic.screen(id, eligible_answers(), choices);
    ASSERT_TRUE(screening) << screening.error().message;
    ASSERT_EQ(screening->result.eligibility, Eligibility::Eligible)
        << screening->result.reasons.front();
  }
}

}  // namespace ketapath::clinic::testing
