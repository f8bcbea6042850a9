#include "clinic/domain/course_templates.h"

namespace ketapath::clinic {

core::Result<std::vector<PlannedSession>> plan_sessions(CourseProtocol protocol, Date start,
                                                        const CoursePlanOptions& o) {
  using core::ErrorCode;
  using core::MilligramsPerKilogram;
  if (o.weeks < 1 || o.weeks > 104) {
    return core::fail(ErrorCode::Validation, "course plan: weeks must be 1-104 (got {})", o.weeks);
  }
  if (o.dose && !(o.dose->value() > 0.0)) {
    return core::fail(ErrorCode::Validation, "course plan: dose must be > 0 mg/kg (got {} mg/kg)",
                      o.dose->value());
  }
  if (o.duration && !(o.duration->value() > 0.0)) {
    return core::fail(ErrorCode::Validation, "course plan: duration must be > 0 min (got {} min)",
                      o.duration->value());
  }
  std::vector<int> days;
  std::vector<double> doses;  // per session, mg/kg; empty means one dose for all
  Route route = Route::Iv;
  double dose = 0.5;
  switch (protocol) {
    case CourseProtocol::AscendingSc:
      days = {0, 7, 14};
      doses = {0.25, 0.5, 1.0};
      route = Route::Sc;
      break;
    case CourseProtocol::IvLoading:
      if (o.loading_per_week == 3) {
        days = {0, 2, 4, 7, 9, 11};
      } else if (o.loading_per_week == 2) {
        days = {0, 3, 7, 10, 14, 17};
      } else {
        return core::fail(ErrorCode::Validation,
                          "course plan: loading infusions per week must be 2 or 3 (got {})",
                          o.loading_per_week);
      }
      break;
    case CourseProtocol::MaintenanceWeekly:
      route = Route::Sc;
      dose = 1.0;
      for (int w = 0; w < o.weeks; ++w) {
        days.push_back(7 * w);
      }
      break;
    case CourseProtocol::MaintenanceTwiceWeekly:
      route = Route::Sc;
      dose = 1.0;
      for (int w = 0; w < o.weeks; ++w) {
        days.push_back(7 * w);
        days.push_back(7 * w + 3);
      }
      break;
    case CourseProtocol::MaintenanceTaper:
      route = Route::Sc;
      dose = 1.0;
      for (int w = 0; w < o.weeks; ++w) {
        if (w < 4) {
          days.push_back(7 * w);
          days.push_back(7 * w + 3);
        } else if (w < 8 || (w - 8) % 2 == 0) {
          days.push_back(7 * w);
        }
      }
      break;
  }
  if (o.route) {
    route = *o.route;
    KETAPATH_TRY(check_clinic_route("course plan", route));
  }
  if (route != Route::Iv && o.duration) {
    return core::fail(ErrorCode::Validation,
                      "course plan: a duration applies to IV infusions only (got {} min for {})",
                      o.duration->value(), pd::route_name(route));
  }
  std::vector<PlannedSession> plan;
  for (std::size_t i = 0; i < days.size(); ++i) {
    PlannedSession p;
    p.number = static_cast<int>(i) + 1;
    p.planned_on = start + std::chrono::days(days[i]);
    p.route = route;
    p.dose = o.dose ? *o.dose : MilligramsPerKilogram(doses.empty() ? dose : doses[i]);
    if (route == Route::Iv) {
      p.duration = o.duration.value_or(core::Minutes(40.0));
    }
    plan.push_back(p);
  }
  return plan;
}

}  // namespace ketapath::clinic
