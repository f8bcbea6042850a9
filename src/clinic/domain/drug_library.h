#pragma once
// The clinic's drug library (smart-pump style, clinic-practice.md section 4): standard
// concentrations and per-route dose limits, set and edited by the clinic. default_library() is a
// proposal for the clinic's P&T committee, not a standard.

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "clinic/domain/ids.h"
#include "core/error.h"
#include "core/units.h"
#include "pd/route.h"

namespace ketapath::clinic {

/// The one route type (pd/route.h: pd::route_name, pd::parse_route), under the clinic's name.
/// The clinic gives ketamine by the routes in kClinicRoutes only (a rule over that type, not a
/// second type): every clinic reader of a route goes through parse_clinic_route, and the drug
/// library, dose calculation, course plans and sessions refuse any other route.
using pd::Route;

/// The routes the clinic gives: iv (bolus or infusion), sc, im.
inline constexpr std::array<Route, 3> kClinicRoutes{Route::Iv, Route::Sc, Route::Im};

/// True for a route in kClinicRoutes.
bool is_clinic_route(Route route);

/// Validation "<where>: route in is not given by the clinic (iv, sc, im)" unless
/// is_clinic_route(route).
core::Status check_clinic_route(std::string_view where, Route route);

/// A route the clinic gives, from its text: the one parser (pd::parse_route, case ignored), then
/// the clinic's rule. InvalidArgument: route "po" is not one the clinic gives (iv, sc, im).
core::Result<Route> parse_clinic_route(std::string_view text);

/// Dose limits for one route. Soft limit: may be exceeded only with a recorded reason. Hard limit
/// and absolute cap: never exceeded.
struct RouteLimits {
  Route route = Route::Iv;
  std::vector<core::MilligramsPerMillilitre> concentrations;  ///< allowed standard strengths
  core::MilligramsPerKilogram default_dose{};
  core::MilligramsPerKilogram min_dose{};  ///< below this a mg/kg entry is refused
  core::MilligramsPerKilogram soft_max{};
  core::MilligramsPerKilogram hard_max{};
  core::Milligrams absolute_cap{};  ///< per session, whatever the weight
  // Infusion durations (IV only; zero for bolus routes).
  core::Minutes default_duration{};
  core::Minutes min_duration{};  ///< hard minimum
  core::Minutes max_duration{};  ///< hard maximum
};

/// One drug entry.
struct DrugEntry {
  DrugId id{};                      ///< 0 until stored
  std::string name;                 ///< "ketamine" (unique, lower case)
  std::vector<RouteLimits> limits;  ///< at most one per route
  std::string advisory;             ///< clinical advisory shown with every calculation
};

/// The limits for `route`, or nothing when the entry has none.
std::optional<RouteLimits> limits_for(const DrugEntry& entry, Route route);

/// Checks an entry's internal consistency (0 < min <= default <= soft <= hard, cap > 0, positive
/// concentrations, one limit per route, durations ordered). Errors: Validation naming the field.
core::Status validate_drug_entry(const DrugEntry& entry);

/// The proposed ketamine entry: IV at 1 or 2 mg/mL (diluted), 0.5 default, 0.1 min, 0.75 soft,
/// 1.5 hard mg/kg, 150 mg cap, 40 min (15..120); SC and IM at 10, 50 or 100 mg/mL, 0.5 default,
/// 0.1 min, 1.0 soft, 1.5 hard mg/kg, 150 mg cap.
DrugEntry default_ketamine_entry();

}  // namespace ketapath::clinic
