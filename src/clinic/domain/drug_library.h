#pragma once
// The clinic's drug library (smart-pump style, clinic-practice.md section 4): standard
// concentrations and per-route dose limits, set and edited by the clinic. default_library() is a
// proposal for the clinic's P&T committee, not a standard.

#include <optional>
#include <string>
#include <vector>

#include "clinic/domain/ids.h"
#include "core/error.h"
#include "core/units.h"

namespace ketapath::clinic {

enum class Route { Iv, Sc, Im };  ///< text form "iv", "sc", "im"

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

std::string_view to_string(Route route);
core::Result<Route> parse_route(std::string_view text);

}  // namespace ketapath::clinic
