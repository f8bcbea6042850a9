#pragma once
// A dosing regimen: consecutive phases (a loading series, maintenance steps, a taper), each with
// one route, agent, dose (or one dose per scheduled time for ascending designs), infusion
// duration and schedule. build_timeline() turns it into the pk event timeline for one body
// weight, the same record type the NM-TRAN reader produces.
//
// Example: clinic IV course, 0.5 mg/kg over 40 min, 6 infusions in 2 weeks, weekly for 4 weeks:
//   Regimen course;
//   course.phases.push_back({.label = "loading", .route = Route::Iv,
//       .doses = {DoseAmount::per_kg(core::MilligramsPerKilogram(0.5))},
//       .infusion_duration = core::to_hours(core::Minutes(40.0)),
//       .schedule = loading_schedule(6, 3).value()});
//   ... (maintenance phase likewise with weekly_schedule(1, 4))
//   auto timeline = build_timeline(course, core::Kilograms(70.0), compartments, "1");

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "core/error.h"
#include "core/units.h"
#include "pk/event_timeline.h"
#include "protocol/route.h"
#include "protocol/schedule.h"

namespace ketapath::protocol {

/// A dose by body weight (mg/kg) or fixed (mg).
class DoseAmount {
 public:
  static DoseAmount per_kg(core::MilligramsPerKilogram dose) { return DoseAmount(dose); }

  static DoseAmount fixed(core::Milligrams dose) { return DoseAmount(dose); }

  [[nodiscard]] bool weight_based() const {
    return std::holds_alternative<core::MilligramsPerKilogram>(amount_);
  }

  /// The amount for a body weight (weight is ignored for fixed doses).
  [[nodiscard]] core::Milligrams for_weight(core::Kilograms weight) const;
  /// The number in its own unit (mg/kg or mg) and that unit's spelling, for labels.
  [[nodiscard]] double number() const;

  [[nodiscard]] std::string_view unit() const { return weight_based() ? "mg/kg" : "mg"; }

  /// "0.5 mg/kg" or "35 mg".
  [[nodiscard]] std::string describe() const;

  bool operator==(const DoseAmount&) const = default;

 private:
  explicit DoseAmount(std::variant<core::MilligramsPerKilogram, core::Milligrams> amount)
      : amount_(amount) {}

  std::variant<core::MilligramsPerKilogram, core::Milligrams> amount_;
};

struct Phase {
  std::string label;  ///< for messages and plots: "loading", "taper 2"
  Agent agent = Agent::Ketamine;
  Route route = Route::Iv;
  /// One dose for every scheduled time, or exactly one per scheduled time (ascending designs).
  std::vector<DoseAmount> doses;
  /// Zero-order infusion length; 0 means a bolus (or an injection for non-IV routes). Only IV
  /// may be infused.
  core::Hours infusion_duration{0.0};
  Schedule schedule;
  /// Gap between the end of the previous phase (its start + schedule length) and this start.
  core::Hours delay{0.0};
};

struct Regimen {
  std::vector<Phase> phases;
};

/// One session of a regimen, in absolute time from the regimen start.
struct Administration {
  core::Hours time{0.0};
  Agent agent = Agent::Ketamine;
  Route route = Route::Iv;
  DoseAmount dose = DoseAmount::fixed(core::Milligrams(0.0));
  core::Hours infusion_duration{0.0};
  std::size_t phase = 0;  ///< index into Regimen::phases
  std::size_t index = 0;  ///< 0-based position in the whole regimen

  bool operator==(const Administration&) const = default;
};

/// Checks a regimen: at least one phase and dose; every phase has 1 or schedule-size doses,
/// doses >= 0 (> 0 for ketamine), finite durations >= 0, infusions only IV, delays >= 0, and
/// session times strictly increasing across phases. InvalidArgument naming the phase and value.
core::Status validate(const Regimen& regimen);

/// All sessions in time order (validates first).
core::Result<std::vector<Administration>> administrations(const Regimen& regimen);

/// Time from the regimen start to the end of its last phase (start + schedule length).
core::Hours regimen_length(const Regimen& regimen);

/// The model's dose compartment (NONMEM numbering) for each route; -1 = the model has no such
/// route. A model publishes this so the protocol stays model-agnostic.
struct RouteCompartments {
  std::array<int, kAllRoutes.size()> compartment{-1, -1, -1, -1, -1, -1};

  [[nodiscard]] int operator[](Route route) const {
    return compartment[static_cast<std::size_t>(route)];
  }

  int& operator[](Route route) { return compartment[static_cast<std::size_t>(route)]; }
};

/// The pk timeline of one subject of `weight` kg: one Dose record per ketamine session (bolus,
/// or RateKind::Fixed at amount/duration for IV infusions) in the route's compartment, plus one
/// Observation record per `observation_times` entry. On equal times observations come first, so
/// a rating at a dose's time is the pre-dose rating. Placebo and midazolam sessions add no
/// record (see administrations()). Errors: InvalidArgument for a bad regimen, weight <= 0, a
/// route the model lacks, or a negative observation time.
core::Result<pk::SubjectTimeline> build_timeline(const Regimen& regimen, core::Kilograms weight,
                                                 const RouteCompartments& compartments,
                                                 std::span<const core::Hours> observation_times,
                                                 std::string id);

}  // namespace ketapath::protocol
