#include "clinic/domain/drug_library.h"

#include <algorithm>
#include <set>
#include <string>

#include "clinic/domain/bounds.h"
#include "core/check.h"

namespace ketapath::clinic {

bool is_clinic_route(Route route) {
  return std::ranges::find(kClinicRoutes, route) != kClinicRoutes.end();
}

namespace {

std::string clinic_route_names() {
  std::string names;
  for (Route r : kClinicRoutes) {
    names += names.empty() ? "" : ", ";
    names += pd::route_name(r);
  }
  return names;
}

}  // namespace

core::Status check_clinic_route(std::string_view where, Route route) {
  if (!is_clinic_route(route)) {
    return core::fail(core::ErrorCode::Validation, "{}: route {} is not given by the clinic ({})",
                      where, pd::route_name(route), clinic_route_names());
  }
  return {};
}

core::Result<Route> parse_clinic_route(std::string_view text) {
  const auto route = pd::parse_route(text);
  if (!route || !is_clinic_route(*route)) {
    return core::fail(core::ErrorCode::InvalidArgument, "route: \"{}\" is not one of {}", text,
                      clinic_route_names());
  }
  return *route;
}

std::optional<RouteLimits> limits_for(const DrugEntry& entry, Route route) {
  for (const RouteLimits& l : entry.limits) {
    if (l.route == route) {
      return l;
    }
  }
  return std::nullopt;
}

core::Status validate_drug_entry(const DrugEntry& entry) {
  using core::ErrorCode;
  if (entry.name.empty()) {
    return core::fail(ErrorCode::Validation, "drug library: name must not be empty");
  }
  std::set<Route> seen;
  for (const RouteLimits& l : entry.limits) {
    const std::string where =
        fmt::format("drug library: {} {}", entry.name, pd::route_name(l.route));
    KETAPATH_TRY(check_clinic_route(where, l.route));
    if (!seen.insert(l.route).second) {
      return core::fail(ErrorCode::Validation, "{}: route listed twice", where);
    }
    if (l.concentrations.empty()) {
      return core::fail(ErrorCode::Validation, "{}: needs at least one concentration", where);
    }
    KETAPATH_TRY(check_library_bounds(where, l));
    for (const auto c : l.concentrations) {
      KETAPATH_TRY(core::check_range(where + ": concentration", c.value(), "mg/mL",
                                     {.low = 0.0, .high = 100.0, .low_open = true}));
    }
    if (!(l.min_dose.value() > 0.0) || !(l.min_dose <= l.default_dose) ||
        !(l.default_dose <= l.soft_max) || !(l.soft_max <= l.hard_max)) {
      return core::fail(ErrorCode::Validation,
                        "{}: limits must satisfy 0 < min <= default <= soft <= hard mg/kg (got "
                        "{} / {} / {} / {} mg/kg)",
                        where, l.min_dose.value(), l.default_dose.value(), l.soft_max.value(),
                        l.hard_max.value());
    }
    KETAPATH_TRY(core::check_range(fmt::format("{}: absolute cap", where), l.absolute_cap.value(),
                                   "mg", core::positive()));
    if (l.route == Route::Iv &&
        (!(l.min_duration.value() > 0.0) || !(l.min_duration <= l.default_duration) ||
         !(l.default_duration <= l.max_duration))) {
      return core::fail(ErrorCode::Validation,
                        "{}: durations must satisfy 0 < min <= default <= max min (got {} / {} / "
                        "{} min)",
                        where, l.min_duration.value(), l.default_duration.value(),
                        l.max_duration.value());
    }
  }
  return {};
}

DrugEntry default_ketamine_entry() {
  using core::MilligramsPerKilogram;
  using core::MilligramsPerMillilitre;
  DrugEntry e;
  e.name = "ketamine";
  e.advisory =
      "High-alert medication. Confirm fasting, BP below the clinic threshold and an escort home. "
      "Never infuse 50 or 100 mg/mL undiluted.";
  RouteLimits iv;
  iv.route = Route::Iv;
  iv.concentrations = {MilligramsPerMillilitre(1.0), MilligramsPerMillilitre(2.0)};
  iv.default_dose = MilligramsPerKilogram(0.5);
  iv.min_dose = MilligramsPerKilogram(0.1);
  iv.soft_max = MilligramsPerKilogram(0.75);
  iv.hard_max = MilligramsPerKilogram(1.5);
  iv.absolute_cap = core::Milligrams(150.0);
  iv.default_duration = core::Minutes(40.0);
  iv.min_duration = core::Minutes(15.0);
  iv.max_duration = core::Minutes(120.0);
  RouteLimits sc;
  sc.route = Route::Sc;
  sc.concentrations = {MilligramsPerMillilitre(10.0), MilligramsPerMillilitre(50.0),
                       MilligramsPerMillilitre(100.0)};
  sc.default_dose = MilligramsPerKilogram(0.5);
  sc.min_dose = MilligramsPerKilogram(0.1);
  sc.soft_max = MilligramsPerKilogram(1.0);
  sc.hard_max = MilligramsPerKilogram(1.5);
  sc.absolute_cap = core::Milligrams(150.0);
  RouteLimits im = sc;
  im.route = Route::Im;
  e.limits = {iv, sc, im};
  return e;
}

}  // namespace ketapath::clinic
