// ClinicService: decisions on model-informed maintenance recommendations (service.h
// decide_forecast; issue 13 "Accepting a plan is one transaction through the clinic-safety
// gates").

#include <cmath>

#include "clinic/json/json.h"
#include "clinic/service/forecast.h"
#include "clinic/service/service.h"
#include "core/number_text.h"
#include "core/text.h"

namespace ketapath::clinic {
namespace {

using core::ErrorCode;

// The minimum dose interval at day resolution: the accepted sessions are days at the clock time
// of the last dose, so N days apart are N x 24 h apart.
core::Status check_day_intervals(const std::vector<PlannedSession>& planned,
                                 std::optional<Date> last_dose_day, double min_interval_hours,
                                 std::string_view what) {
  const auto min_days = static_cast<int>(std::ceil(min_interval_hours / 24.0));
  std::optional<Date> previous = last_dose_day;
  bool first = true;
  for (const PlannedSession& p : planned) {
    if (previous && (p.planned_on - *previous).count() < min_days) {
      return core::fail(ErrorCode::Validation,
                        "{}: session {} on {} is less than the minimum dose interval of {} h after "
                        "{} {}",
                        what, p.number, format_date(p.planned_on),
                        core::display_number(min_interval_hours),
                        first ? "the latest dose given, on" : "the previous planned session, on",
                        format_date(*previous));
    }
    previous = p.planned_on;
    first = false;
  }
  return {};
}

}  // namespace

core::Result<ForecastDecisionResult> ClinicService::decide_forecast(ForecastDecision decision,
                                                                    std::optional<Course> course) {
  const bool accepted = decision.verdict == ForecastVerdict::Accepted;
  const std::string_view what = accepted ? "forecast accept" : "forecast reject";
  if (!accepted) {
    if (core::is_blank(decision.reason)) {
      return core::fail(ErrorCode::Validation, "forecast reject: a reason is required");
    }
    KETAPATH_TRY(core::check_required_text("forecast reject: reason", decision.reason));
    if (course) {
      return core::fail(ErrorCode::InvalidArgument, "forecast reject: plans no course");
    }
  } else {
    if (!decision.reason.empty()) {
      KETAPATH_TRY(core::check_required_text("forecast accept: note", decision.reason));
    }
    if (!course || course->sessions.empty()) {
      return core::fail(ErrorCode::Validation, "forecast accept: the forecast proposes no session");
    }
    if (!course->overlap_reason.empty()) {
      KETAPATH_TRY(core::check_required_text("forecast accept: --allow-overlap reason",
                                             course->overlap_reason));
    }
  }
  const Timestamp now = clock_();
  const ClinicCalendar calendar = KETAPATH_TRY(clinic_calendar());
  decision.decided_at = now;
  decision.decided_by = actor_;
  decision.course.reset();
  auto tx = KETAPATH_TRY(store_.begin());
  KETAPATH_TRY(authorize(*tx, Permission::OrderDose));
  KETAPATH_TRY(tx->patients().get(decision.patient));
  if (accepted) {
    Course& c = *course;
    c.patient = decision.patient;
    c.start = c.sessions.front().planned_on;
    c.status = CourseStatus::Active;
    c.created_at = now;
    c.created_by = actor_;
    KETAPATH_TRY(check_course_plan(*tx, c, c.start, what));
    std::optional<Date> last_dose_day;
    for (const Session& s : KETAPATH_TRY(tx->sessions().list_for_patient(decision.patient))) {
      const Date day = local_day(s.started_at, calendar);
      if (s.dose.value() > 0.0 && (!last_dose_day || day > *last_dose_day)) {
        last_dose_day = day;
      }
    }
    const DosingPolicy policy = KETAPATH_TRY(dosing_policy_in(*tx));
    KETAPATH_TRY(
        check_day_intervals(c.sessions, last_dose_day, policy.min_dose_interval_hours, what));
    c.id = KETAPATH_TRY(tx->courses().add(c));
    KETAPATH_TRY(tx->append_audit(audit_record(
        "course.plan", fmt::format("course/{}", c.id.value()), "null", canonical(to_json(c)))));
    decision.course = c.id;
  }
  decision.id = KETAPATH_TRY(tx->forecast_decisions().add(decision));
  KETAPATH_TRY(
      tx->append_audit(audit_record(accepted ? "forecast.accept" : "forecast.reject",
                                    fmt::format("forecast_decision/{}", decision.id.value()),
                                    "null", canonical(to_json(decision)))));
  KETAPATH_TRY(tx->commit());
  return ForecastDecisionResult{.decision = std::move(decision), .course = std::move(course)};
}

core::Result<std::vector<ForecastDecision>> ClinicService::forecast_decisions(PatientId id) {
  return chart_read(id, "forecast decisions", [&]() -> core::Result<std::vector<ForecastDecision>> {
    auto tx = KETAPATH_TRY(store_.begin_read());
    KETAPATH_TRY(authorize(*tx, Permission::ReadClinical));
    KETAPATH_TRY(tx->patients().get(id));
    return tx->forecast_decisions().list_for_patient(id);
  });
}

}  // namespace ketapath::clinic
