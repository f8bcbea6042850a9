// ClinicService: courses, sessions, alerts and response (service.h).

#include <algorithm>
#include <cmath>

#include "clinic/domain/dose_calculator.h"
#include "clinic/json/json.h"
#include "clinic/service/service.h"
#include "core/number_text.h"
#include "core/text.h"

namespace ketapath::clinic {
namespace {

using core::ErrorCode;

// A recorded dose must agree with weight x mg/kg this closely; more is a transcription error.
constexpr double kDoseMismatchTolerance = 0.05;

// The days of an active course (none for an ended one: it no longer takes days).
std::optional<CourseDays> active_days(const Course& c) {
  return c.status == CourseStatus::Active ? course_days(c) : std::nullopt;
}

}  // namespace

core::Result<Course> ClinicService::plan_course(PatientId id, CourseProtocol protocol, Date start,
                                                const CoursePlanOptions& options,
                                                std::string notes) {
  const Timestamp now = clock_();
  const ClinicCalendar calendar = KETAPATH_TRY(clinic_calendar());
  const Date today = local_day(now, calendar);
  KETAPATH_TRY(check_date("course plan: start", start, today - std::chrono::days(365),
                          today + std::chrono::days(DateLimits{}.course_days_after),
                          "within a year of today"));
  Course c;
  c.patient = id;
  c.protocol = protocol;
  c.start = start;
  c.sessions = KETAPATH_TRY(plan_sessions(protocol, start, options));
  c.messages = fit_to_clinic_days(c.sessions, calendar);
  if (!c.sessions.empty()) {
    c.start = c.sessions.front().planned_on;
  }
  c.notes = std::move(notes);
  c.created_at = now;
  c.created_by = actor_;
  c.overlap_reason = options.allow_overlap_reason;
  if (!c.overlap_reason.empty()) {  // asked to overlap: the reason must say something
    KETAPATH_TRY(
        core::check_required_text("course plan: --allow-overlap reason", c.overlap_reason));
  }
  auto tx = KETAPATH_TRY(store_.begin());
  KETAPATH_TRY(authorize(*tx, Permission::OrderDose));
  KETAPATH_TRY(check_course_plan(*tx, c, start, "course plan"));
  c.id = KETAPATH_TRY(tx->courses().add(c));
  KETAPATH_TRY(tx->append_audit(audit_record("course.plan", fmt::format("course/{}", c.id.value()),
                                             "null", canonical(to_json(c)))));
  KETAPATH_TRY(tx->commit());
  return c;
}

core::Status ClinicService::check_course_plan(Transaction& tx, const Course& c, Date start,
                                              std::string_view what) {
  const PatientId id = c.patient;
  KETAPATH_TRY(tx.patients().get(id));
  // One active course per patient, unless the prescriber says why two may run together.
  const std::vector<Course> others = KETAPATH_TRY(tx.courses().list_for_patient(id));
  for (const Course& other : others) {
    if (other.status == CourseStatus::Active && c.overlap_reason.empty()) {
      return core::fail(ErrorCode::Conflict,
                        "{}: patient {} already has active course {} ({} from {}); "
                        "complete or cancel it first, or give a reason to run both "
                        "(--allow-overlap REASON)",
                        what, id.value(), other.id.value(), to_string(other.protocol),
                        format_date(other.start));
    }
  }
  // Even with a reason, two courses never share days: their sessions would interleave.
  if (const auto days = course_days(c)) {
    for (const Course& other : others) {
      const auto taken = active_days(other);
      if (taken && taken->overlaps(*days)) {
        return core::fail(ErrorCode::Conflict,
                          "{}: the new course ({} to {}) would run over the same days as "
                          "active course {} of patient {} ({}, {} to {}); two courses may not "
                          "share days, even with --allow-overlap: end before {} or start after "
                          "{}, or complete or cancel course {} first",
                          what, format_date(days->first), format_date(days->last), other.id.value(),
                          id.value(), to_string(other.protocol), format_date(taken->first),
                          format_date(taken->last), format_date(taken->first),
                          format_date(taken->last), other.id.value());
      }
    }
  }
  {  // the clearance gate on the first day of the course
    const DosingPolicy policy = KETAPATH_TRY(dosing_policy_in(tx));
    const ClearanceRecords records = KETAPATH_TRY(clearance_records(tx, id));
    KETAPATH_TRY(check_clearance(records, start, policy.screening_validity_days, what));
  }
  // Every planned dose must be within the library's hard limit for its route.
  const DrugEntry drug = KETAPATH_TRY(tx.drugs().find_by_name("ketamine"));
  for (const PlannedSession& p : c.sessions) {
    const auto limits = limits_for(drug, p.route);
    if (!limits) {
      return core::fail(ErrorCode::NotFound, "{}: the drug library has no {} limits", what,
                        pd::route_name(p.route));
    }
    if (p.dose > limits->hard_max) {
      const auto [shown, limit] = core::distinct_numbers(p.dose.value(), limits->hard_max.value());
      return core::fail(ErrorCode::LimitExceeded,
                        "{}: session {} dose {} mg/kg exceeds the {} hard limit of {} "
                        "mg/kg, which cannot be overridden",
                        what, p.number, shown, pd::route_name(p.route), limit);
    }
    if (p.dose < limits->min_dose) {
      return core::fail(ErrorCode::LimitExceeded,
                        "{}: session {} dose must be {}-{} mg/kg for {} (got {} mg/kg)", what,
                        p.number, core::display_number(limits->min_dose.value(), 3),
                        core::display_number(limits->hard_max.value(), 3), pd::route_name(p.route),
                        core::display_number(p.dose.value(), 3));
    }
    if (p.duration &&
        !(*p.duration >= limits->min_duration && *p.duration <= limits->max_duration)) {
      // The planned duration becomes the session's end of dosing when a nurse records none, and
      // so the start of the observation time: it must be one the library allows (review find).
      const std::string shown =
          core::distinct_numbers(p.duration->value(), *p.duration < limits->min_duration
                                                          ? limits->min_duration.value()
                                                          : limits->max_duration.value())
              .first;
      return core::fail(ErrorCode::Validation,
                        "{}: session {} {} infusion duration must be {}-{} min (got {} "
                        "min)",
                        what, p.number, pd::route_name(p.route),
                        core::display_number(limits->min_duration.value()),
                        core::display_number(limits->max_duration.value()), shown);
    }
    if (p.dose > limits->soft_max) {
      const auto [shown, limit] = core::distinct_numbers(p.dose.value(), limits->soft_max.value());
      return core::fail(ErrorCode::LimitExceeded,
                        "{}: session {} dose {} mg/kg is above the {} soft limit of {} "
                        "mg/kg; plan within it (a single dose above it is a prescriber's "
                        "override at dose time, with a reason)",
                        what, p.number, shown, pd::route_name(p.route), limit);
    }
  }
  return {};
}

core::Result<Course> ClinicService::course(CourseId id) {
  Course c;
  {
    auto tx = KETAPATH_TRY(store_.begin_read());
    KETAPATH_TRY(authorize(*tx, Permission::ReadClinical));
    c = KETAPATH_TRY(tx->courses().get(id));
  }
  KETAPATH_TRY(note_read(c.patient, "course"));
  return c;
}

core::Result<std::vector<Course>> ClinicService::courses(PatientId id) {
  return chart_read(id, "courses", [&]() -> core::Result<std::vector<Course>> {
    auto tx = KETAPATH_TRY(store_.begin_read());
    KETAPATH_TRY(authorize(*tx, Permission::ReadClinical));
    KETAPATH_TRY(tx->patients().get(id));
    return tx->courses().list_for_patient(id);
  });
}

namespace {

core::Status require_reason(const std::string& reason, std::string_view what) {
  if (core::is_blank(reason)) {
    return core::fail(ErrorCode::Validation, "{}: a reason is required", what);
  }
  return core::check_required_text(fmt::format("{}: reason", what), reason);
}

core::Status require_active(const Course& c, std::string_view what) {
  if (c.status != CourseStatus::Active) {
    return core::fail(ErrorCode::Conflict, "{}: course {} is {}, not active", what, c.id.value(),
                      to_string(c.status));
  }
  return {};
}

core::Result<PlannedSession*> planned_session(Course& c, int number, std::string_view what) {
  for (PlannedSession& p : c.sessions) {
    if (p.number == number) {
      if (p.status != PlannedStatus::Planned) {
        return core::fail(ErrorCode::Conflict, "{}: session {} of course {} is {}, not planned",
                          what, number, c.id.value(), to_string(p.status));
      }
      return &p;
    }
  }
  return core::fail(ErrorCode::NotFound, "{}: course {} has no planned session {}", what,
                    c.id.value(), number);
}

bool nothing_planned(const Course& c) {
  return std::none_of(c.sessions.begin(), c.sessions.end(),
                      [](const PlannedSession& p) { return p.status == PlannedStatus::Planned; });
}

}  // namespace

core::Result<Course> ClinicService::complete_course(CourseId id, std::string reason) {
  auto tx = KETAPATH_TRY(store_.begin());
  KETAPATH_TRY(authorize(*tx, Permission::OrderDose));
  Course c = KETAPATH_TRY(tx->courses().get(id));
  KETAPATH_TRY(require_active(c, "course complete"));
  const Json before = to_json(c);
  std::string still;
  for (PlannedSession& p : c.sessions) {
    if (p.status == PlannedStatus::Planned) {
      still +=
          fmt::format("{}{} ({})", still.empty() ? "" : ", ", p.number, format_date(p.planned_on));
    }
  }
  if (!still.empty()) {
    if (reason.empty()) {
      return core::fail(ErrorCode::Validation,
                        "course complete: course {} still has planned sessions {}: record, skip "
                        "or cancel them, or complete early with --reason",
                        id.value(), still);
    }
    KETAPATH_TRY(require_reason(reason, "course complete"));
    for (PlannedSession& p : c.sessions) {
      if (p.status == PlannedStatus::Planned) {
        p.status = PlannedStatus::Cancelled;
        p.note = "course completed early";
        KETAPATH_TRY(tx->courses().update_planned_session(id, p));
      }
    }
    reason = "completed early: " + reason;
  }
  c.status = CourseStatus::Completed;
  c.status_reason = reason;
  KETAPATH_TRY(tx->courses().set_status(id, c.status, c.status_reason));
  KETAPATH_TRY(
      tx->append_audit(audit_record("course.complete", fmt::format("course/{}", id.value()),
                                    canonical(before), canonical(to_json(c)))));
  KETAPATH_TRY(tx->commit());
  return c;
}

core::Result<Course> ClinicService::cancel_course(CourseId id, std::string reason) {
  KETAPATH_TRY(require_reason(reason, "course cancel"));
  auto tx = KETAPATH_TRY(store_.begin());
  KETAPATH_TRY(authorize(*tx, Permission::OrderDose));
  Course c = KETAPATH_TRY(tx->courses().get(id));
  KETAPATH_TRY(require_active(c, "course cancel"));
  const Json before = to_json(c);
  for (PlannedSession& p : c.sessions) {
    if (p.status == PlannedStatus::Planned) {
      p.status = PlannedStatus::Cancelled;
      p.note = "course cancelled";
      KETAPATH_TRY(tx->courses().update_planned_session(id, p));
    }
  }
  c.status = CourseStatus::Cancelled;
  c.status_reason = std::move(reason);
  KETAPATH_TRY(tx->courses().set_status(id, c.status, c.status_reason));
  KETAPATH_TRY(tx->append_audit(audit_record("course.cancel", fmt::format("course/{}", id.value()),
                                             canonical(before), canonical(to_json(c)))));
  KETAPATH_TRY(tx->commit());
  return c;
}

core::Result<Course> ClinicService::reschedule_session(CourseId id, int number, Date to,
                                                       std::string reason) {
  KETAPATH_TRY(require_reason(reason, "course reschedule"));
  const ClinicCalendar calendar = KETAPATH_TRY(clinic_calendar());
  const Date today = local_day(clock_(), calendar);
  if (to < today) {
    return core::fail(ErrorCode::Validation,
                      "course reschedule: the new day {} is in the past (today is {})",
                      format_date(to), format_date(today));
  }
  const DateLimits dates;  // as far ahead as a course may start
  KETAPATH_TRY(check_date("course reschedule: the new day", to, today,
                          today + std::chrono::days(dates.course_days_after),
                          "within a year from today"));
  auto tx = KETAPATH_TRY(store_.begin());
  KETAPATH_TRY(authorize(*tx, Permission::OrderDose));
  Course c = KETAPATH_TRY(tx->courses().get(id));
  KETAPATH_TRY(require_active(c, "course reschedule"));
  const Json before = to_json(c);
  PlannedSession* p = KETAPATH_TRY(planned_session(c, number, "course reschedule"));
  const Date from = p->planned_on;
  const Date open = next_clinic_day(to, calendar);
  if (open != to) {
    c.messages.push_back(fmt::format("session {}: {} {} is not a clinic day: moved to {} {}",
                                     number, weekday_name(to), format_date(to), weekday_name(open),
                                     format_date(open)));
  }
  // Keep the order of the course: after the session before, before the session after.
  for (const PlannedSession& other : c.sessions) {
    const Date day = other.actual_on.value_or(other.planned_on);
    const bool skipped =
        other.status == PlannedStatus::Skipped || other.status == PlannedStatus::Cancelled;
    if (skipped || other.number == number) {
      continue;
    }
    if ((other.number < number && day >= open) || (other.number > number && day <= open)) {
      return core::fail(ErrorCode::Validation,
                        "course reschedule: session {} on {} would not keep its place: session {} "
                        "is on {} (reschedule that one too, or skip one)",
                        number, format_date(open), other.number, format_date(day));
    }
  }
  const auto old_days = course_days(c);
  p->planned_on = open;
  p->note = fmt::format("rescheduled from {}: {}", format_date(from), reason);
  // The move must not take the course into the days of another active course of the patient
  // (a pair that already overlapped, planned before this rule, may still move out of it).
  if (const auto days = course_days(c)) {
    for (const Course& other : KETAPATH_TRY(tx->courses().list_for_patient(c.patient))) {
      const auto taken = other.id.value() == c.id.value() ? std::nullopt : active_days(other);
      if (!taken || !taken->overlaps(*days)) {
        continue;
      }
      const bool onto = taken->first <= open && open <= taken->last;
      if (onto || !old_days || !taken->overlaps(*old_days)) {
        return core::fail(ErrorCode::Conflict,
                          "course reschedule: session {} on {} would make course {} ({} to {}) "
                          "run over the same days as active course {} of patient {} ({}, {} to "
                          "{}); two courses may not share days: choose a day outside {} to {}, "
                          "or complete or cancel course {} first",
                          number, format_date(open), c.id.value(), format_date(days->first),
                          format_date(days->last), other.id.value(), c.patient.value(),
                          to_string(other.protocol), format_date(taken->first),
                          format_date(taken->last), format_date(taken->first),
                          format_date(taken->last), other.id.value());
      }
    }
  }
  KETAPATH_TRY(tx->courses().update_planned_session(id, *p));
  KETAPATH_TRY(
      tx->append_audit(audit_record("course.reschedule", fmt::format("course/{}", id.value()),
                                    canonical(before), canonical(to_json(c)))));
  KETAPATH_TRY(tx->commit());
  return c;
}

core::Result<Course> ClinicService::skip_session(CourseId id, int number, std::string reason) {
  KETAPATH_TRY(require_reason(reason, "course skip"));
  auto tx = KETAPATH_TRY(store_.begin());
  KETAPATH_TRY(authorize(*tx, Permission::OrderDose));
  Course c = KETAPATH_TRY(tx->courses().get(id));
  KETAPATH_TRY(require_active(c, "course skip"));
  const Json before = to_json(c);
  PlannedSession* p = KETAPATH_TRY(planned_session(c, number, "course skip"));
  p->status = PlannedStatus::Skipped;
  p->note = std::move(reason);
  KETAPATH_TRY(tx->courses().update_planned_session(id, *p));
  if (nothing_planned(c)) {
    c.status = CourseStatus::Completed;
    KETAPATH_TRY(tx->courses().set_status(id, c.status, ""));
    c.messages.push_back(
        fmt::format("course {} completed: no planned session remains", id.value()));
  }
  KETAPATH_TRY(tx->append_audit(audit_record("course.skip", fmt::format("course/{}", id.value()),
                                             canonical(before), canonical(to_json(c)))));
  KETAPATH_TRY(tx->commit());
  return c;
}

core::Result<SessionResult> ClinicService::record_session(Session s) {
  return session_of(std::move(s), true);
}

core::Result<SessionResult> ClinicService::preview_session(Session s) {
  return session_of(std::move(s), false);
}

core::Result<SessionResult> ClinicService::session_of(Session s, bool store) {
  const Timestamp now = clock_();
  SessionResult result;
  s = KETAPATH_TRY(validate_session(std::move(s), now, limits_));
  s.recorded_by = actor_;
  s.recorded_at = now;
  const SafetyThresholds thresholds = KETAPATH_TRY(safety_thresholds());
  const ClinicCalendar calendar = KETAPATH_TRY(clinic_calendar());

  auto tx = KETAPATH_TRY(store_.begin());
  const User user = KETAPATH_TRY(authorize(*tx, Permission::RecordSession));
  // The dose given goes through the same check as an order: clearance, library limits, weight,
  // interval. A prescriber's dose record supplies the concentration, duration and any override.
  DoseRequest request;
  request.use_case = "session";
  request.administered_at = s.started_at;
  request.order.patient = s.patient;
  request.order.route = s.route;
  request.order.dose = s.dose_per_kg;
  request.order.on = day_of(s.started_at);
  const DrugEntry drug = KETAPATH_TRY(tx->drugs().find_by_name("ketamine"));
  const auto route_limits = limits_for(drug, s.route);
  if (!route_limits) {
    return core::fail(ErrorCode::NotFound, "session: the drug library has no {} limits",
                      pd::route_name(s.route));
  }
  // The infusion time, when the session does not say when dosing ended: the dose record's, else
  // the planned session's, else the library default (bolus routes end when they start).
  std::optional<core::Minutes> infusion = route_limits->default_duration;
  std::optional<DoseRecord> ordered;
  if (s.dose_record) {
    ordered = KETAPATH_TRY(tx->doses().get(*s.dose_record));
    const DoseRecord& d = *ordered;
    if (d.calculation.duration) {
      infusion = d.calculation.duration;
    }
    if (d.patient != s.patient || d.route != s.route ||
        std::abs(d.calculation.dose_per_kg.value() - s.dose_per_kg.value()) > 1e-9) {
      return core::fail(ErrorCode::Validation,
                        "session: dose record {} is for patient {}, {} {} mg/kg; the session says "
                        "patient {}, {} {} mg/kg",
                        d.id.value(), d.patient.value(), pd::route_name(d.route),
                        core::display_number(d.calculation.dose_per_kg.value(), 3),
                        s.patient.value(), pd::route_name(s.route),
                        core::display_number(s.dose_per_kg.value(), 3));
    }
    // A one-day order documents one session; a date-range or course order one per day (the
    // minimum interval keeps them apart).
    const bool one_day = d.order && !d.order->course && d.order->valid_until == d.order->valid_from;
    if (d.session && one_day) {
      return core::fail(ErrorCode::Conflict, "session: dose record {} already documents session {}",
                        d.id.value(), d.session->value());
    }
    request.order.concentration = d.calculation.concentration;
    request.order.duration = d.calculation.duration;
    request.order.override_reason = d.calculation.override_reason;
    request.override_ordered = d.calculation.limit == LimitLevel::Soft;
  }
  const DoseCheck check = KETAPATH_TRY(check_dose(*tx, user, request));
  // The dose in mg: from the dose record or weight x mg/kg; a given dose_mg must agree.
  const core::Milligrams expected = check.calculation.dose;
  if (s.dose.value() == 0.0) {
    s.dose = ordered ? ordered->calculation.dose : expected;
  } else if (std::abs(s.dose / expected - 1.0) > kDoseMismatchTolerance) {
    return core::fail(ErrorCode::Validation,
                      "session: dose_mg does not match {} kg x {} mg/kg = {} mg (got {} mg)",
                      core::display_number(check.calculation.weight.value()),
                      core::display_number(s.dose_per_kg.value(), 3),
                      core::display_number(expected.value()), core::display_number(s.dose.value()));
  }
  const auto limits = limits_for(check.drug, s.route);
  if (limits && s.dose > limits->absolute_cap) {
    return core::fail(
        ErrorCode::LimitExceeded, "session: dose_mg exceeds the absolute cap of {} mg (got {} mg)",
        core::display_number(limits->absolute_cap.value()), core::display_number(s.dose.value()));
  }
  // The order, the independent double check and the pre-dose checklist (service_orders.cpp).
  const std::vector<OrderCheckId> checks_used =
      KETAPATH_TRY(check_administration(*tx, s, ordered, check, thresholds));
  for (const auto& w : check.calculation.warnings) {
    if (w != check.drug.advisory) {  // advice for preparing the dose, not for its record
      result.warnings.push_back(w);
    }
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
    if (planned->duration && !s.dose_record) {
      infusion = planned->duration;
    }
  } else if (s.course_session_number) {
    return core::fail(ErrorCode::Validation, "session: course_session needs a course");
  }

  if (!s.dose_ended_at) {
    const bool bolus = s.route != Route::Iv || !infusion;
    s.dose_ended_at =
        bolus
            ? s.started_at
            : s.started_at + std::chrono::round<std::chrono::seconds>(
                                 std::chrono::duration<double, std::ratio<60>>(infusion->value()));
    if (*s.dose_ended_at > s.ended_at) {
      return core::fail(ErrorCode::Validation,
                        "session: the infusion ({} min from started_at {}) ends after ended_at {}; "
                        "give dose_ended_at",
                        core::display_number(infusion->value()), format_timestamp(s.started_at),
                        format_timestamp(s.ended_at));
    }
  }
  for (std::string& w : recall_period_warnings(s.ratings, {s.started_at})) {
    result.warnings.push_back(std::move(w));
  }
  // The dose's draw from its stock lot (custody): checked here, written with the session.
  std::optional<CustodyEntry> draw =
      KETAPATH_TRY(session_draw(*tx, s, local_day(s.started_at, calendar), store));
  std::vector<Alert> discharge_alerts = assess_discharge(s, thresholds);
  if (store) {
    s.id = KETAPATH_TRY(tx->sessions().add(s));
  }
  result.alerts = evaluate_session(s, thresholds);
  for (Alert& a : discharge_alerts) {
    a.patient = s.patient;
    result.alerts.push_back(std::move(a));
  }
  Json alerts_json = Json::array();
  for (Alert& a : result.alerts) {
    if (store) {
      a.session = s.id;
      a.id = KETAPATH_TRY(tx->alerts().add(a));
    }
    alerts_json.push_back(to_json(a));
  }
  const bool urgent = std::any_of(result.alerts.begin(), result.alerts.end(),
                                  [](const Alert& a) { return a.level == AlertLevel::Urgent; });
  if (urgent && s.discharge && s.discharge->ready) {
    result.warnings.push_back(
        "discharge is marked ready but PHQ-9 item 9 is positive: document the suicide risk "
        "assessment by acknowledging the urgent alert (ketapath clinic alert ack ID --note ...)");
  }
  if (!store) {  // a preview: checked and evaluated exactly as stored, nothing written (id 0)
    result.session = std::move(s);
    return result;
  }
  Json after = {{"session", to_json(s)}, {"alerts", alerts_json}};
  if (planned) {
    planned->status = PlannedStatus::Done;
    planned->actual_on = local_day(s.started_at, calendar);
    planned->session = s.id;
    KETAPATH_TRY(tx->courses().update_planned_session(*s.course, *planned));
    after["planned_session"] = to_json(*planned);
    // The course completes when its last planned session is done.
    const Course c = KETAPATH_TRY(tx->courses().get(*s.course));
    if (c.status == CourseStatus::Active &&
        std::none_of(c.sessions.begin(), c.sessions.end(),
                     [](const PlannedSession& p) { return p.status == PlannedStatus::Planned; })) {
      KETAPATH_TRY(tx->courses().set_status(*s.course, CourseStatus::Completed, ""));
      after["course_status"] = to_string(CourseStatus::Completed);
    }
  }
  if (s.dose_record) {
    KETAPATH_TRY(tx->doses().link_session(*s.dose_record, s.id));
  }
  if (draw) {
    draw->session = s.id;
    draw->id = KETAPATH_TRY(tx->custody().add_entry(*draw));
    after["custody"] = to_json(*draw);
  }
  for (const OrderCheckId used : checks_used) {
    KETAPATH_TRY(tx->order_checks().link_session(used, s.id));
  }
  KETAPATH_TRY(
      tx->append_audit(audit_record("session.record", fmt::format("session/{}", s.id.value()),
                                    canonical(before), canonical(after))));
  KETAPATH_TRY(tx->commit());
  result.session = std::move(s);
  return result;
}

core::Result<std::vector<Session>> ClinicService::sessions(PatientId id) {
  return chart_read(id, "sessions", [&]() -> core::Result<std::vector<Session>> {
    auto tx = KETAPATH_TRY(store_.begin_read());
    KETAPATH_TRY(authorize(*tx, Permission::ReadClinical));
    KETAPATH_TRY(tx->patients().get(id));
    return tx->sessions().list_for_patient(id);
  });
}

core::Result<AssessmentResult> ClinicService::record_assessment(Assessment a) {
  constexpr std::size_t kMaxNotes = 2000;
  const Timestamp now = clock_();
  ScaleRating& r = a.rating;
  auto total = score_items(r.scale, r.items);
  if (!total) {
    return std::unexpected(core::with_context(total.error(), "assessment"));
  }
  r.total = *total;
  if (r.rated_at > now) {
    return core::fail(ErrorCode::Validation,
                      "assessment: rated_at must not be in the future (got {}, now {})",
                      format_timestamp(r.rated_at), format_timestamp(now));
  }
  {  // a rating is entered within a year of being taken, like a session
    const DateLimits dates;
    KETAPATH_TRY(check_date("assessment: rated_at", day_of(r.rated_at),
                            day_of(now) - std::chrono::days(dates.session_days_before), day_of(now),
                            "within the last year"));
  }
  if (a.notes.size() > kMaxNotes || r.rater.size() > kMaxNotes) {
    return core::fail(ErrorCode::Validation,
                      "assessment: notes and rater are kept up to {} characters (got {} and {})",
                      kMaxNotes, a.notes.size(), r.rater.size());
  }
  a.recorded_by = actor_;
  a.recorded_at = now;
  a.flags.clear();
  auto tx = KETAPATH_TRY(store_.begin());
  KETAPATH_TRY(authorize(*tx, Permission::RecordSession));
  const Patient patient = KETAPATH_TRY(tx->patients().get(a.patient));
  if (day_of(r.rated_at) < patient.birth_date) {
    return core::fail(ErrorCode::Validation, "assessment: rated_at {} precedes the birth date {}",
                      format_timestamp(r.rated_at), format_date(patient.birth_date));
  }
  std::vector<Timestamp> dose_starts;
  a.last_dose_session.reset();
  Timestamp last{};
  for (const Session& s : KETAPATH_TRY(tx->sessions().list_for_patient(a.patient))) {
    dose_starts.push_back(s.started_at);
    if (s.started_at < r.rated_at && (!a.last_dose_session || s.started_at >= last)) {
      a.last_dose_session = s.id;
      last = s.started_at;
    }
  }
  a.hours_since_dose = hours_since_last_dose(r.rated_at, dose_starts);
  a.timing = rating_timing(r.rated_at, dose_starts);
  if (auto flag = recall_period_flag(r, dose_starts)) {
    a.flags.push_back(*flag);
  }
  a.id = KETAPATH_TRY(tx->assessments().add(a));
  AssessmentResult result;
  result.alerts = evaluate_ratings(a.patient, {r});
  Json alerts_json = Json::array();
  for (Alert& alert : result.alerts) {
    alert.id = KETAPATH_TRY(tx->alerts().add(alert));
    alerts_json.push_back(to_json(alert));
  }
  KETAPATH_TRY(tx->append_audit(
      audit_record("assessment.record", fmt::format("assessment/{}", a.id.value()), "null",
                   canonical(Json{{"assessment", to_json(a)}, {"alerts", alerts_json}}))));
  KETAPATH_TRY(tx->commit());
  result.warnings = a.flags;
  result.assessment = std::move(a);
  return result;
}

core::Result<std::vector<Assessment>> ClinicService::assessments(PatientId id) {
  return chart_read(id, "assessments", [&]() -> core::Result<std::vector<Assessment>> {
    auto tx = KETAPATH_TRY(store_.begin_read());
    KETAPATH_TRY(authorize(*tx, Permission::ReadClinical));
    KETAPATH_TRY(tx->patients().get(id));
    return tx->assessments().list_for_patient(id);
  });
}

core::Result<CareTeamMember> ClinicService::add_care_team_member(CareTeamMember m) {
  KETAPATH_TRY(validate_care_team_member(m));
  m.added_at = clock_();
  m.added_by = actor_;
  auto tx = KETAPATH_TRY(store_.begin());
  KETAPATH_TRY(authorize(*tx, Permission::RecordObservation));
  m.id = KETAPATH_TRY(tx->care_team().add(m));
  KETAPATH_TRY(tx->append_audit(audit_record(
      "care_team.add", fmt::format("care_team/{}", m.id.value()), "null", canonical(to_json(m)))));
  KETAPATH_TRY(tx->commit());
  return m;
}

core::Result<std::vector<CareTeamMember>> ClinicService::care_team(PatientId id) {
  return chart_read(id, "care team", [&]() -> core::Result<std::vector<CareTeamMember>> {
    auto tx = KETAPATH_TRY(store_.begin_read());
    KETAPATH_TRY(authorize(*tx, Permission::ReadClinical));
    KETAPATH_TRY(tx->patients().get(id));
    return tx->care_team().list_for_patient(id);
  });
}

core::Result<std::vector<Alert>> ClinicService::alerts(PatientId id) {
  return chart_read(id, "alerts", [&]() -> core::Result<std::vector<Alert>> {
    auto tx = KETAPATH_TRY(store_.begin_read());
    KETAPATH_TRY(authorize(*tx, Permission::ReadClinical));
    KETAPATH_TRY(tx->patients().get(id));
    return tx->alerts().list_for_patient(id);
  });
}

core::Result<std::vector<Alert>> ClinicService::open_alerts() {
  auto tx = KETAPATH_TRY(store_.begin_read());
  KETAPATH_TRY(authorize(*tx, Permission::ReadClinical));
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
  std::vector<ScaleRating> followups;
  for (const Assessment& a : KETAPATH_TRY(assessments(id))) {
    followups.push_back(a.rating);
  }
  return analyse_response(all, followups, scale, KETAPATH_TRY(response_policy()));
}

core::Result<ResponsePlan> ClinicService::response_plan(PatientId id) {
  // One read transaction for the records and the settings: one snapshot, one authorization
  // (it was five transactions, the server's heaviest read).
  std::vector<Session> all;
  std::vector<ScaleRating> followups;
  std::vector<Course> patient_courses;
  ResponsePolicy policy;
  ClinicCalendar calendar;
  {
    auto tx = KETAPATH_TRY(store_.begin_read());
    KETAPATH_TRY(authorize(*tx, Permission::ReadClinical));
    KETAPATH_TRY(tx->patients().get(id));
    all = KETAPATH_TRY(tx->sessions().list_for_patient(id));
    for (const Assessment& a : KETAPATH_TRY(tx->assessments().list_for_patient(id))) {
      followups.push_back(a.rating);
    }
    patient_courses = KETAPATH_TRY(tx->courses().list_for_patient(id));
    const std::string policy_text = KETAPATH_TRY(setting_in(*tx, "response_policy"));
    policy = KETAPATH_TRY(
        response_policy_from_json(KETAPATH_TRY(parse_json(policy_text, "setting response_policy")),
                                  "setting response_policy"));
    const std::string calendar_text = KETAPATH_TRY(setting_in(*tx, "clinic_calendar"));
    calendar = KETAPATH_TRY(clinic_calendar_from_json(
        KETAPATH_TRY(parse_json(calendar_text, "setting clinic_calendar")),
        "setting clinic_calendar"));
  }
  for (const std::string_view what : {"sessions", "assessments", "courses"}) {
    KETAPATH_TRY(note_read(id, what));
  }
  std::vector<ResponseSummary> scales;
  for (const Scale scale : outcome_scales()) {
    ResponseSummary r = analyse_response(all, followups, scale, policy);
    if (r.baseline || !r.acute.empty()) {
      scales.push_back(std::move(r));
    }
  }
  return plan_response(std::move(scales), patient_courses, all, calendar,
                       local_day(clock_(), calendar));
}

}  // namespace ketapath::clinic
