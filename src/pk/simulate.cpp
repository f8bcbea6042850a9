#include "pk/simulate.h"

#include <cmath>
#include <memory>

#include <fmt/format.h>

#include "core/check.h"
#include "pk/closed_form.h"
#include "pk/engine.h"
#include "pk/ode.h"
#include "pk/resolve.h"
#include "pk/structure.h"

namespace ketapath::pk {

core::Result<std::vector<OutputRow>> simulate(const ModelSpec& model,
                                              const ParameterValues& parameters,
                                              const SubjectTimeline& subject,
                                              const SimulationOptions& options) {
  const ModelStructure structure = KETAPATH_TRY(make_structure(model, parameters));
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
  const std::vector<Event> events =
      KETAPATH_TRY(resolve_events(structure, parameters, subject, options.extra_times));

  std::unique_ptr<Propagator> propagator;
  EngineOptions engine;
  if (closed_form) {
    propagator = std::make_unique<ClosedFormPropagator>(structure);
  } else {
    propagator = std::make_unique<OdePropagator>(structure, options.relative_tolerance,
                                                 options.absolute_tolerance);
    // The periodic solution can only be as exact as the integration that defines it.
    engine.steady_state_tolerance = std::max(1e-12, 100.0 * options.relative_tolerance);
  }
  const std::vector<StateSnapshot> snapshots = KETAPATH_TRY(
      run_events(events, *propagator, structure.compartments, structure.states(), engine));

  std::vector<OutputRow> rows;
  rows.reserve(snapshots.size());
  for (const StateSnapshot& s : snapshots) {
    OutputRow row;
    row.time = core::Hours(s.time);
    row.record_index = s.record_index;
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
      return core::fail(core::ErrorCode::Solver,
                        "{}ID {} at TIME {}: the model's amounts or concentration are not finite "
                        "numbers (they overflowed); check the scale of the doses and parameter values",
                        where, subject.id, s.time);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace ketapath::pk
