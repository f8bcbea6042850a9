// ClinicService: courses, sessions, alerts and response (service.h).

#include <algorithm>
#include <cmath>

#include "clinic/dose_calculator.h"
#include "clinic/json.h"
#include "clinic/service.h"

namespace ketapath::clinic {
namespace {

using core::ErrorCode;

// A recorded dose must agree with weight x mg/kg this closely; more is a transcription error.
constexpr double kDoseMismatchTolerance = 0.05;

}  // namespace

core::Result<Course> ClinicService::plan_course(PatientId id, CourseProtocol protocol, Date start,
                                                const CoursePlanOptions& options,
                                                std::string notes) {
  const Timestamp now = clock_();
  if (start < day_of(now) - std::chrono::days(365)) {
    return core::fail(ErrorCode::Validation,
                      "course plan: start {} is more than a year in the past", format_date(start));
  }
  Course c;
  c.patient = id;
  c.protocol = protocol;
  c.start = start;
  c.sessions = KETAPATH_TRY(plan_sessions(protocol, start, options));
  c.notes = std::move(notes);
  c.created_at = now;
  c.created_by = actor_;
  auto tx = KETAPATH_TRY(store_.begin());
  KETAPATH_TRY(authorize(*tx, Permission::OrderDose));
  KETAPATH_TRY(tx->patients().get(id));
  // Every planned dose must be within the library's hard limit for its route.
  const DrugEntry drug = KETAPATH_TRY(tx->drugs().find_by_name("ketamine"));
  for (const PlannedSession& p : c.sessions) {
    const auto limits = limits_for(drug, p.route);
    if (!limits) {
      return core::fail(ErrorCode::NotFound, "course plan: the drug library has no {} limits",
                        to_string(p.route));
    }
    if (p.dose > limits->hard_max || p.dose < limits->min_dose) {
      return core::fail(ErrorCode::LimitExceeded,
                        "course plan: session {} dose must be {}-{} mg/kg for {} (got {} mg/kg)",
                        p.number, display_number(limits->min_dose.value(), 3),
                        display_number(limits->hard_max.value(), 3), to_string(p.route),
                        display_number(p.dose.value(), 3));
    }
  }
  c.id = KETAPATH_TRY(tx->courses().add(c));
  KETAPATH_TRY(tx->append_audit(audit_record("course.plan", fmt::format("course/{}", c.id.value()),
                                             "null", canonical(to_json(c)))));
  KETAPATH_TRY(tx->commit());
  return c;
}

core::Result<Course> ClinicService::course(CourseId id) {
  auto tx = KETAPATH_TRY(store_.begin());
  KETAPATH_TRY(authorize(*tx, Permission::Read));
  return tx->courses().get(id);
}

core::Result<std::vector<Course>> ClinicService::courses(PatientId id) {
  auto tx = KETAPATH_TRY(store_.begin());
  KETAPATH_TRY(authorize(*tx, Permission::Read));
  KETAPATH_TRY(tx->patients().get(id));
  return tx->courses().list_for_patient(id);
}

core::Result<SessionResult> ClinicService::record_session(Session s) {
  const Timestamp now = clock_();
  SessionResult result;
  s = KETAPATH_TRY(validate_session(std::move(s), now, limits_));
  s.recorded_by = actor_;
  s.recorded_at = now;
  const SafetyThresholds thresholds = KETAPATH_TRY(safety_thresholds());
  const DosingPolicy dosing = KETAPATH_TRY(dosing_policy());

  auto tx = KETAPATH_TRY(store_.begin());
  KETAPATH_TRY(authorize(*tx, Permission::RecordSession));
  const Patient patient = KETAPATH_TRY(tx->patients().get(s.patient));
  const DrugEntry drug = KETAPATH_TRY(tx->drugs().find_by_name("ketamine"));
  const auto limits = limits_for(drug, s.route);
  if (!limits) {
    return core::fail(ErrorCode::NotFound, "session: the drug library has no {} limits",
                      to_string(s.route));
  }
  if (s.dose_per_kg > limits->hard_max) {
    return core::fail(ErrorCode::Validation,
                      "session: dose_mg_per_kg exceeds the hard limit of {} mg/kg (got {} "
                      "mg/kg){}",
                      display_number(limits->hard_max.value(), 3),
                      display_number(s.dose_per_kg.value(), 3),
                      s.dose_per_kg.value() >= 5.0
                          ? fmt::format("; did you mean {} mg? Give the total as dose_mg",
                                        display_number(s.dose_per_kg.value()))
                          : "");
  }
  // The dose in mg: from the dose record, or checked against the weight.
  if (s.dose_record) {
    const DoseRecord d = KETAPATH_TRY(tx->doses().get(*s.dose_record));
    if (d.patient != s.patient || d.route != s.route ||
        std::abs(d.calculation.dose_per_kg.value() - s.dose_per_kg.value()) > 1e-9) {
      return core::fail(ErrorCode::Validation,
                        "session: dose record {} is for patient {}, {} {} mg/kg; the session says "
                        "patient {}, {} {} mg/kg",
                        d.id.value(), d.patient.value(), to_string(d.route),
                        display_number(d.calculation.dose_per_kg.value(), 3), s.patient.value(),
                        to_string(s.route), display_number(s.dose_per_kg.value(), 3));
    }
    if (d.session) {
      return core::fail(ErrorCode::Conflict, "session: dose record {} already documents session {}",
                        d.id.value(), d.session->value());
    }
    if (s.dose.value() == 0.0) {
      s.dose = d.calculation.dose;
    }
  }
  const auto weight = latest_weight(patient, day_of(s.started_at));
  if (weight &&
      (day_of(s.started_at) - weight->measured_on).count() <= dosing.max_weight_age_days) {
    const core::Milligrams expected = weight->weight * s.dose_per_kg;
    if (s.dose.value() == 0.0) {
      s.dose = expected;
    } else if (std::abs(s.dose / expected - 1.0) > kDoseMismatchTolerance) {
      return core::fail(ErrorCode::Validation,
                        "session: dose_mg does not match {} kg x {} mg/kg = {} mg (got {} mg)",
                        display_number(weight->weight.value()),
                        display_number(s.dose_per_kg.value(), 3), display_number(expected.value()),
                        display_number(s.dose.value()));
    }
  } else if (s.dose.value() == 0.0) {
    return core::fail(ErrorCode::Validation,
                      "session: dose_mg is required when no weight within {} days of {} is "
                      "recorded",
                      dosing.max_weight_age_days, format_date(day_of(s.started_at)));
  } else {
    result.warnings.push_back("no recent weight: dose_mg could not be checked against mg/kg");
  }
  if (s.dose > limits->absolute_cap) {
    return core::fail(ErrorCode::Validation,
                      "session: dose_mg exceeds the absolute cap of {} mg (got {} mg)",
                      display_number(limits->absolute_cap.value()), display_number(s.dose.value()));
  }

  // The planned course session this fulfils.
  Json before = nullptr;
  std::optional<PlannedSession> planned;
  if (s.course) {
    const Course c = KETAPATH_TRY(tx->courses().get(*s.course));
    if (c.patient != s.patient) {
      return core::fail(ErrorCode::Validation, "session: course {} belongs to patient {}, not {}",
                        c.id.value(), c.patient.value(), s.patient.value());
    }
    int number = s.course_session_number.value_or(0);
    if (number == 0) {  // the first one still planned
      for (const PlannedSession& p : c.sessions) {
        if (p.status == PlannedStatus::Planned) {
          number = p.number;
          break;
        }
      }
    }
    for (const PlannedSession& p : c.sessions) {
      if (p.number == number) {
        planned = p;
      }
    }
    if (!planned) {
      return core::fail(ErrorCode::NotFound, "session: course {} has no planned session {}",
                        c.id.value(), number);
    }
    if (planned->status == PlannedStatus::Done) {
      return core::fail(ErrorCode::Conflict,
                        "session: planned session {} of course {} is already recorded (session {})",
                        number, c.id.value(), planned->session ? planned->session->value() : 0);
    }
    s.course_session_number = number;
    before = {{"planned_session", to_json(*planned)}};
  } else if (s.course_session_number) {
    return core::fail(ErrorCode::Validation, "session: course_session needs a course");
  }

  s.id = KETAPATH_TRY(tx->sessions().add(s));
  result.alerts = evaluate_session(s, thresholds);
  Json alerts_json = Json::array();
  for (Alert& a : result.alerts) {
    a.session = s.id;
    a.id = KETAPATH_TRY(tx->alerts().add(a));
    alerts_json.push_back(to_json(a));
  }
  const bool urgent = std::any_of(result.alerts.begin(), result.alerts.end(),
                                  [](const Alert& a) { return a.level == AlertLevel::Urgent; });
  if (urgent && s.discharge && s.discharge->ready) {
    result.warnings.push_back(
        "discharge is marked ready but PHQ-9 item 9 is positive: document the suicide risk "
        "assessment by acknowledging the urgent alert (ketapath clinic alert ack ID --note ...)");
  }
  Json after = {{"session", to_json(s)}, {"alerts", alerts_json}};
  if (planned) {
    planned->status = PlannedStatus::Done;
    planned->actual_on = day_of(s.started_at);
    planned->session = s.id;
    KETAPATH_TRY(tx->courses().update_planned_session(*s.course, *planned));
    after["planned_session"] = to_json(*planned);
  }
  if (s.dose_record) {
    KETAPATH_TRY(tx->doses().link_session(*s.dose_record, s.id));
  }
  KETAPATH_TRY(
      tx->append_audit(audit_record("session.record", fmt::format("session/{}", s.id.value()),
                                    canonical(before), canonical(after))));
  KETAPATH_TRY(tx->commit());
  result.session = std::move(s);
  return result;
}

core::Result<std::vector<Session>> ClinicService::sessions(PatientId id) {
  auto tx = KETAPATH_TRY(store_.begin());
  KETAPATH_TRY(authorize(*tx, Permission::Read));
  KETAPATH_TRY(tx->patients().get(id));
  return tx->sessions().list_for_patient(id);
}

core::Result<std::vector<Alert>> ClinicService::alerts(PatientId id) {
  auto tx = KETAPATH_TRY(store_.begin());
  KETAPATH_TRY(authorize(*tx, Permission::Read));
  KETAPATH_TRY(tx->patients().get(id));
  return tx->alerts().list_for_patient(id);
}

core::Result<std::vector<Alert>> ClinicService::open_alerts() {
  auto tx = KETAPATH_TRY(store_.begin());
  KETAPATH_TRY(authorize(*tx, Permission::Read));
  return tx->alerts().list_open();
}

core::Result<Alert> ClinicService::acknowledge_alert(AlertId id, std::string note) {
  constexpr std::size_t kMaxNote = 2000;
  const auto first = note.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) {
    return core::fail(ErrorCode::Validation,
                      "alert {}: an acknowledgement needs a note saying what was done", id.value());
  }
  if (note.size() > kMaxNote) {
    return core::fail(ErrorCode::Validation,
                      "alert {}: the note is {} characters, at most {} are kept", id.value(),
                      note.size(), kMaxNote);
  }
  auto tx = KETAPATH_TRY(store_.begin());
  KETAPATH_TRY(authorize(*tx, Permission::RecordSession));
  Alert alert = KETAPATH_TRY(tx->alerts().get(id));
  if (alert.acknowledged) {
    return core::fail(ErrorCode::Conflict, "alert {} was already acknowledged by {} at {}",
                      id.value(), alert.acknowledged_by,
                      alert.acknowledged_at ? format_timestamp(*alert.acknowledged_at) : "-");
  }
  const Json before = to_json(alert);
  const Timestamp at = now();
  KETAPATH_TRY(tx->alerts().acknowledge(id, actor_, at, note));
  alert.acknowledged = true;
  alert.acknowledged_by = actor_;
  alert.acknowledged_at = at;
  alert.acknowledgement_note = std::move(note);
  KETAPATH_TRY(
      tx->append_audit(audit_record("alert.acknowledge", fmt::format("alert/{}", id.value()),
                                    canonical(before), canonical(to_json(alert)))));
  KETAPATH_TRY(tx->commit());
  return alert;
}

core::Result<ResponseSummary> ClinicService::response(PatientId id, Scale scale) {
  const auto all = KETAPATH_TRY(sessions(id));
  return analyse_response(all, scale);
}

}  // namespace ketapath::clinic
