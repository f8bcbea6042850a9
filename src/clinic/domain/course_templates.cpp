#include "clinic/domain/course_templates.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "clinic/domain/course_regimen.h"
#include "core/check.h"

namespace ketapath::clinic {
namespace {

using core::ErrorCode;
using core::MilligramsPerKilogram;

constexpr core::Minutes kDefaultInfusion{40.0};

// One phase of a template: route, one dose or one per time, and a protocol schedule.
protocol::Phase phase(std::string label, Route route, std::vector<double> mg_per_kg,
                      protocol::Schedule schedule) {
  protocol::Phase p;
  p.label = std::move(label);
  p.route = route;
  for (double d : mg_per_kg) {
    p.doses.push_back(protocol::DoseAmount::per_kg(MilligramsPerKilogram(d)));
  }
  p.schedule = std::move(schedule);
  return p;
}

// The template's own phases (route and doses before the options override them).
core::Result<std::vector<protocol::Phase>> template_phases(CourseProtocol protocol,
                                                           const CoursePlanOptions& o) {
  using protocol::interval_schedule;
  using protocol::loading_schedule;
  using protocol::weekly_schedule;
  switch (protocol) {
    case CourseProtocol::AscendingSc:
      return std::vector{phase("ascending", Route::Sc, {0.25, 0.5, 1.0},
                               KETAPATH_TRY(interval_schedule(protocol::kWeek, 3)))};
    case CourseProtocol::IvLoading:
      if (o.loading_per_week != 2 && o.loading_per_week != 3) {
        return core::fail(ErrorCode::Validation,
                          "course plan: loading infusions per week must be 2 or 3 (got {})",
                          o.loading_per_week);
      }
      return std::vector{phase("loading", Route::Iv, {0.5},
                               KETAPATH_TRY(loading_schedule(6, o.loading_per_week)))};
    case CourseProtocol::MaintenanceWeekly:
      return std::vector{
          phase("maintenance", Route::Sc, {1.0}, KETAPATH_TRY(weekly_schedule(1, o.weeks)))};
    case CourseProtocol::MaintenanceTwiceWeekly:
      return std::vector{
          phase("maintenance", Route::Sc, {1.0}, KETAPATH_TRY(weekly_schedule(2, o.weeks)))};
    case CourseProtocol::MaintenanceTaper: {
      // Twice weekly in weeks 1-4, weekly in weeks 5-8, fortnightly from week 9 on.
      std::vector<protocol::Phase> phases{
          phase("taper twice weekly", Route::Sc, {1.0},
                KETAPATH_TRY(weekly_schedule(2, std::min(o.weeks, 4))))};
      if (o.weeks > 4) {
        phases.push_back(phase("taper weekly", Route::Sc, {1.0},
                               KETAPATH_TRY(weekly_schedule(1, std::min(o.weeks, 8) - 4))));
      }
      if (o.weeks > 8) {
        phases.push_back(
            phase("taper fortnightly", Route::Sc, {1.0},
                  KETAPATH_TRY(interval_schedule(2.0 * protocol::kWeek, (o.weeks - 8 + 1) / 2))));
      }
      return phases;
    }
    case CourseProtocol::MaintenanceForecast:
      return core::fail(ErrorCode::Validation,
                        "course plan: maintenance_forecast has no template: its days come from an "
                        "accepted forecast (clinic forecast accept)");
  }
  return core::fail(ErrorCode::InvalidArgument, "course plan: unknown protocol");
}

}  // namespace

core::Result<protocol::Regimen> course_regimen(CourseProtocol protocol,
                                               const CoursePlanOptions& o) {
  KETAPATH_TRY(core::check_count("course plan: weeks", o.weeks, "", 1, 104));
  if (o.dose) {
    KETAPATH_TRY(
        core::check_range("course plan: dose", o.dose->value(), "mg/kg", core::positive()));
  }
  if (o.duration) {
    KETAPATH_TRY(
        core::check_range("course plan: duration", o.duration->value(), "min", core::positive()));
  }
  protocol::Regimen regimen{KETAPATH_TRY(template_phases(protocol, o))};
  if (o.route) {
    KETAPATH_TRY(check_clinic_route("course plan", *o.route));
  }
  for (protocol::Phase& p : regimen.phases) {
    p.route = o.route.value_or(p.route);
    if (p.route != Route::Iv && o.duration) {
      return core::fail(ErrorCode::Validation,
                        "course plan: a duration applies to IV infusions only (got {} min for {})",
                        o.duration->value(), pd::route_name(p.route));
    }
    if (o.dose) {
      p.doses = {protocol::DoseAmount::per_kg(*o.dose)};
    }
    if (p.route == Route::Iv) {
      p.infusion_duration = core::to_hours(o.duration.value_or(kDefaultInfusion));
    }
  }
  return regimen;
}

core::Result<std::vector<PlannedSession>> plan_sessions(CourseProtocol protocol, Date start,
                                                        const CoursePlanOptions& o) {
  protocol::Regimen regimen = KETAPATH_TRY(course_regimen(protocol, o));
  // The days come from the schedules alone. An infusion's length is the drug library's to check
  // (plan_course: 15-120 min by default, Validation), so the protocol's far wider bound on it
  // must not answer first: the sessions take their duration from the options below.
  for (protocol::Phase& phase : regimen.phases) {
    phase.infusion_duration = core::Hours(0.0);
  }
  const auto given = protocol::administrations(regimen);
  if (!given) {  // the template built it, so only a broken template gets here
    return core::fail(ErrorCode::Internal, "course plan: {}", given.error().message);
  }
  std::vector<PlannedSession> plan;
  for (const protocol::Administration& a : *given) {
    PlannedSession p;
    p.number = static_cast<int>(a.index) + 1;
    // Template times are whole days (protocol::kDay multiples), so the division is exact.
    p.planned_on = start + std::chrono::days(std::lround(a.time / protocol::kDay));
    p.route = a.route;
    p.dose = MilligramsPerKilogram(a.dose.number());
    if (a.route == Route::Iv) {
      p.duration = o.duration.value_or(kDefaultInfusion);
    }
    plan.push_back(p);
  }
  return plan;
}

std::optional<CourseDays> course_days(const Course& course) {
  std::optional<CourseDays> days;
  for (const PlannedSession& p : course.sessions) {
    if (p.status == PlannedStatus::Skipped || p.status == PlannedStatus::Cancelled) {
      continue;
    }
    const Date day = p.actual_on.value_or(p.planned_on);
    if (!days) {
      days = CourseDays{day, day};
    }
    days->first = std::min(days->first, day);
    days->last = std::max(days->last, day);
  }
  return days;
}

}  // namespace ketapath::clinic
