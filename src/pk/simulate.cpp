#include "pk/simulate.h"

#include <cmath>
#include <memory>

#include <fmt/format.h>

#include "core/check.h"
#include "pk/closed_form.h"
#include "pk/engine.h"
#include "pk/ode.h"
#include "pk/piecewise.h"
#include "pk/resolve.h"
#include "pk/structure.h"

namespace ketapath::pk {
namespace {

/// Whether the closed forms run this model (every structure of a subject has the same form).
core::Result<bool> use_closed_form(const ModelSpec& model, const ModelStructure& structure,
                                   const SimulationOptions& options) {
  const bool closed_form =
      options.solver == SolverKind::ClosedForm ||
      (options.solver == SolverKind::Automatic && model.closed_form && structure.linear());
  if (closed_form && !(model.closed_form && structure.linear())) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "{}: the model has no closed form; use the ODE solver", model.name);
  }
  if (!closed_form) {
    KETAPATH_TRY(core::check_range(fmt::format("{}: ODE relative tolerance", model.name),
                                   options.relative_tolerance, "", core::positive(),
                                   core::ErrorCode::InvalidArgument));
    KETAPATH_TRY(core::check_range(fmt::format("{}: ODE absolute tolerance", model.name),
                                   options.absolute_tolerance, "", core::positive(),
                                   core::ErrorCode::InvalidArgument));
  }
  return closed_form;
}

std::unique_ptr<Propagator> make_propagator(const ModelStructure& structure, bool closed_form,
                                            const SimulationOptions& options) {
  if (closed_form)
    return std::make_unique<ClosedFormPropagator>(structure);
  return std::make_unique<OdePropagator>(structure, options.relative_tolerance,
                                         options.absolute_tolerance);
}

/// Output rows from the engine's snapshots; CP uses the central volume of each row's interval
/// record (`structure_of_record`), or `structures[0]` when there is one structure.
core::Result<std::vector<OutputRow>> output_rows(const std::vector<StateSnapshot>& snapshots,
                                                 std::span<const ModelStructure> structures,
                                                 std::span<const std::size_t> structure_of_record,
                                                 const SubjectTimeline& subject) {
  std::vector<OutputRow> rows;
  rows.reserve(snapshots.size());
  for (const StateSnapshot& s : snapshots) {
    const ModelStructure& structure = structure_of_record.empty()
                                          ? structures[0]
                                          : structures[structure_of_record[s.interval_record]];
    OutputRow row;
    row.time = core::Hours(s.time);
    row.record_index = s.record_index;
    row.interval_record = s.interval_record;
    row.cp = s.state[structure.central] / structure.central_volume;
    row.amounts.assign(s.state.data(), s.state.data() + structure.compartments);
    if (structure.ke0)
      row.ce = s.state[structure.compartments];
    // Finite inputs can still overflow (CL = 1e308, V = 1e-308): a result that is not a number
    // is a failed computation, never an output.
    bool finite = std::isfinite(row.cp) && (!row.ce || std::isfinite(*row.ce));
    for (const double a : row.amounts) {
      finite = finite && std::isfinite(a);
    }
    if (!finite) {
      const std::string where =
          s.record_index < subject.records.size() && subject.records[s.record_index].source_line > 0
              ? fmt::format("line {}: ", subject.records[s.record_index].source_line)
              : std::string();
      return core::fail(
          core::ErrorCode::Solver,
          "{}ID {} at TIME {}: the model's amounts or concentration are not finite "
          "numbers (they overflowed); check the scale of the doses and parameter values",
          where, subject.id, s.time);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

EngineOptions engine_options(bool closed_form, const SimulationOptions& options) {
  EngineOptions engine;
  // The periodic solution can only be as exact as the integration that defines it.
  if (!closed_form)
    engine.steady_state_tolerance = std::max(1e-12, 100.0 * options.relative_tolerance);
  return engine;
}

}  // namespace

core::Result<std::vector<OutputRow>> simulate(const ModelSpec& model,
                                              const ParameterValues& parameters,
                                              const SubjectTimeline& subject,
                                              const SimulationOptions& options) {
  const ModelStructure structure = KETAPATH_TRY(make_structure(model, parameters));
  const bool closed_form = KETAPATH_TRY(use_closed_form(model, structure, options));
  const std::vector<Event> events =
      KETAPATH_TRY(resolve_events(structure, parameters, subject, options.extra_times));
  const std::unique_ptr<Propagator> propagator = make_propagator(structure, closed_form, options);
  const std::vector<StateSnapshot> snapshots =
      KETAPATH_TRY(run_events(events, *propagator, structure.compartments, structure.states(),
                              engine_options(closed_form, options)));
  return output_rows(snapshots, std::span(&structure, 1), {}, subject);
}

core::Result<std::vector<OutputRow>> simulate_per_record(
    const ModelSpec& model, std::span<const ParameterValues> per_record,
    const SubjectTimeline& subject, const SimulationOptions& options) {
  if (per_record.size() != subject.records.size() || per_record.empty()) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "ID {}: {} records need as many parameter sets (got {})", subject.id,
                      subject.records.size(), per_record.size());
  }
  // One structure per run of equal parameter sets (a covariate that never changes: one).
  std::vector<ModelStructure> structures;
  std::vector<std::size_t> structure_of_record;
  structure_of_record.reserve(per_record.size());
  for (std::size_t r = 0; r < per_record.size(); ++r) {
    if (r == 0 || per_record[r] != per_record[r - 1]) {
      auto structure = make_structure(model, per_record[r]);
      if (!structure) {
        return core::fail(structure.error().code, "line {}: {}", subject.records[r].source_line,
                          structure.error().message);
      }
      structures.push_back(std::move(*structure));
    }
    structure_of_record.push_back(structures.size() - 1);
  }
  const ModelStructure& first = structures.front();
  bool closed_form = true;
  for (const ModelStructure& s : structures)
    closed_form = closed_form && KETAPATH_TRY(use_closed_form(model, s, options));
  if (!closed_form && options.solver == SolverKind::ClosedForm)
    return core::fail(core::ErrorCode::InvalidArgument,
                      "{}: the model has no closed form; use the ODE solver", model.name);
  std::vector<std::unique_ptr<Propagator>> pieces;
  pieces.reserve(structures.size());
  for (const ModelStructure& s : structures)
    pieces.push_back(make_propagator(s, closed_form, options));
  PiecewisePropagator propagator(std::move(pieces), structure_of_record);
  const std::vector<Event> events = KETAPATH_TRY(
      resolve_events(first, per_record.front(), subject, options.extra_times, per_record));
  const std::vector<StateSnapshot> snapshots =
      KETAPATH_TRY(run_events(events, propagator, first.compartments, first.states(),
                              engine_options(closed_form, options)));
  return output_rows(snapshots, structures, structure_of_record, subject);
}

}  // namespace ketapath::pk
