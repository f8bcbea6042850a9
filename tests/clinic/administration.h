#pragma once
// The medication-safety steps every recorded administration needs (issue 15 items 2-4), shared
// by the tests that record sessions: the prescriber's order for the session's patient, route and
// mg/kg on its day (for its course when it names one), a second user's independent double check
// of weight x mg/kg, and a complete pre-dose checklist. docs/clinic.md "Order, double check and
// pre-dose checklist".
//
//   Service tests:  prepare_administration(clinic_, s);  clinic_.record_session(s);
//   CLI tests:      run("session record " + write("s.json", ready(s)))  (fixture members that
//                   call administration_json below with the fixture's runner)

#include <algorithm>
#include <functional>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "clinic/service/service.h"
#include "support/shell.h"

namespace ketapath::testing {

/// The second user of the tests' double checks (a nurse, added on first use).
inline const std::string kChecker = "check.nurse";

/// A complete checklist for a dose started at `started_at`: fasting 8 h, escort arranged, a
/// negative pregnancy test, no new medication or illness, consent confirmed.
inline clinic::PreDoseChecklist complete_checklist(clinic::Timestamp started_at) {
  clinic::PreDoseChecklist c;
  c.last_food_at = started_at - std::chrono::hours(8);
  c.escort_home_arranged = true;
  c.pregnancy_test = clinic::PregnancyTest::Negative;
  c.new_medications_or_illness = false;
  c.consent_current = true;
  return c;
}

/// Orders the session's dose as `clinic`'s acting user (a prescriber), has kChecker double-check
/// it (IV, as the default setting asks), adds a pre-dose reading when there is none, and fills a
/// complete checklist when it has none. Leaves `s` as it was (no order) when the
/// order is refused, so the session's own refusal shows; returns whether the order stands.
inline bool prepare_administration(clinic::ClinicService& clinic, clinic::Session& s) {
  (void)clinic.add_user(kChecker, {clinic::Role::Nurse});  // Conflict once it exists
  if (!s.checklist) {
    s.checklist = complete_checklist(s.started_at);
  }
  const bool has_pressure = std::any_of(s.vitals.begin(), s.vitals.end(), [&](const auto& v) {
    return v.phase == clinic::Phase::Before && v.systolic && v.diastolic &&
           v.measured_at <= s.started_at;
  });
  if (!has_pressure) {  // the checklist's pre-dose blood pressure, 125/80 10 min before
    clinic::VitalSigns before;
    before.measured_at = s.started_at - std::chrono::minutes(10);
    before.phase = clinic::Phase::Before;
    before.systolic = core::MillimetresOfMercury(125.0);
    before.diastolic = core::MillimetresOfMercury(80.0);
    s.vitals.insert(s.vitals.begin(), before);
  }
  const clinic::Date day = clinic::day_of(s.started_at);
  std::optional<clinic::DoseRecord> record;
  if (s.dose_record) {  // the test's own order: only the double check is missing
    const auto doses = clinic.doses(s.patient);
    for (const auto& d : doses ? *doses : std::vector<clinic::DoseRecord>{}) {
      if (d.id == *s.dose_record) {
        record = d;
      }
    }
  } else {
    clinic::DoseOrder order;
    order.patient = s.patient;
    order.route = s.route;
    order.dose = s.dose_per_kg;
    order.on = day;
    order.course = s.course;
    const auto made = clinic.calculate_dose(order);
    if (!made) {
      return false;
    }
    record = *made;
    s.dose_record = made->id;
  }
  if (record && !s.double_check && s.route == clinic::Route::Iv) {  // IV needs one by default
    const double mg = s.dose.value() > 0 ? s.dose.value() : record->calculation.dose.value();
    const auto check = clinic.acting_as(kChecker).record_double_check(
        record->id, day, record->calculation.weight, core::Milligrams(mg));
    if (check) {
      s.double_check = check->id;
    }
  }
  return true;
}

/// Runs `ketapath clinic ... ARGS` as USER (the fixture's runner).
using ClinicRunner = std::function<ShellOutcome(const std::string& user, const std::string& args)>;

/// The JSON form of a complete checklist for a dose started at `started_at` (ISO text).
inline nlohmann::json complete_checklist_json(const std::string& started_at) {
  const auto start = clinic::parse_timestamp(started_at);
  const auto food = start ? clinic::format_timestamp(*start - std::chrono::hours(8)) : started_at;
  return {{"last_food_at", food},
          {"escort_home_arranged", true},
          {"pregnancy_test", "negative"},
          {"new_medications_or_illness", false},
          {"consent_current", true}};
}

/// The CLI form of prepare_administration: `dose` as `prescriber` (with --course when the
/// session names one), `order check` as kChecker (IV only, as the default setting asks), and the
/// checklist; returns the session JSON
/// citing them. Without an order (refused) the session is returned with the checklist only.
inline nlohmann::json administration_json(const ClinicRunner& run, nlohmann::json s,
                                          const std::string& prescriber) {
  (void)run(prescriber, "user add " + kChecker + " --role nurse");  // exit 6 once it exists
  const std::string started = s.at("started_at").get<std::string>();
  if (!s.contains("checklist")) {
    s["checklist"] = complete_checklist_json(started);
  }
  if (s.contains("dose_record")) {
    return s;
  }
  const std::string day = started.substr(0, 10);
  std::ostringstream dose;
  dose << s.at("dose_mg_per_kg").get<double>();
  std::string args = "dose --json --patient " + std::to_string(s.at("patient").get<int>()) +
                     " --route " + s.at("route").get<std::string>() + " --dose " + dose.str() +
                     "mg/kg --date " + day;
  if (s.contains("course") && !s.at("course").is_null()) {
    args += " --course " + std::to_string(s.at("course").get<int>());
  }
  if (s.contains("duration_min")) {
    args += " --duration-min " + std::to_string(s.at("duration_min").get<double>());
  }
  const auto ordered = run(prescriber, args);
  if (ordered.exit_code != 0 || s.at("route") != "iv") {  // only IV needs a check by default
    if (ordered.exit_code == 0) {
      s["dose_record"] = nlohmann::json::parse(ordered.out).at("id");
    }
    return s;
  }
  const auto order = nlohmann::json::parse(ordered.out);
  s["dose_record"] = order.at("id");
  const double mg = s.contains("dose_mg") && !s.at("dose_mg").is_null()
                        ? s.at("dose_mg").get<double>()
                        : order.at("dose_mg").get<double>();
  std::ostringstream check;
  check << "order check --json --order " << order.at("id").get<int>() << " --date " << day
        << " --weight-kg " << order.at("weight_kg").get<double>() << " --dose-mg " << mg;
  const auto checked = run(kChecker, check.str());
  if (checked.exit_code == 0) {
    s["double_check"] = nlohmann::json::parse(checked.out).at("id");
  }
  return s;
}

}  // namespace ketapath::testing
