#pragma once
// Shared test data: a fixed "now" and a 70 kg adult with a failed adequate sertraline trial.

#include <gtest/gtest.h>

#include "clinic/patient.h"
#include "clinic/service.h"
#include "clinic/time.h"
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

/// Makes the service's acting user the first user of its (initialised, user-less) database, with
/// the admin, prescriber and nurse roles, so a test can do every clinical step as one person.
inline void add_staff(ClinicService& clinic) {
  const auto user = clinic.add_user(clinic.actor(), {Role::Admin, Role::Prescriber, Role::Nurse});
  ASSERT_TRUE(user) << user.error().message;
}

}  // namespace ketapath::clinic::testing
