#pragma once
// Per-subject simulation: one subject's timeline through one model, exactly (closed form) or to
// solver tolerance (CVODE), with output at the timeline's observation records and extra times.

#include <cstddef>
#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "core/error.h"
#include "core/units.h"
#include "pk/event_timeline.h"
#include "pk/model.h"

namespace ketapath::pk {

/// Which executor runs the model.
enum class SolverKind : unsigned char {
  Automatic,   ///< the closed form when the model has one, else CVODE
  ClosedForm,  ///< the closed form; InvalidArgument for models without one
  Ode,         ///< CVODE for every model (comparison and reference runs)
};

struct SimulationOptions {
  /// Extra output times (the CLI's --grid), merged with the observation rows in time order; on a
  /// tie the data row comes first.
  std::vector<core::Hours> extra_times;
  /// CVODE tolerances for models without a closed form.
  double relative_tolerance = 1e-10;
  double absolute_tolerance = 1e-12;
  /// Executor choice; the default uses the closed forms wherever they exist.
  SolverKind solver = SolverKind::Automatic;
};

/// Marks an output row that comes from SimulationOptions::extra_times, not from a record.
inline constexpr std::size_t kGridRow = std::numeric_limits<std::size_t>::max();

struct OutputRow {
  core::Hours time{0.0};
  std::size_t record_index = kGridRow;  ///< index into SubjectTimeline::records, or kGridRow
  std::size_t interval_record = 0;      ///< the record whose data govern this time (resolve.h)
  double cp = 0.0;                      ///< central amount / central volume (data units)
  std::vector<double> amounts;          ///< A1..An in NONMEM numbering
  std::optional<double> ce;             ///< effect-site concentration when KE0 is given
};

/// Simulates one subject. Output: one row per Observation record (input order) plus the extra
/// times. Errors (InvalidArgument, InvalidData, Solver) name the parameter or the record's
/// source line: "one_cmt: parameter CL must be > 0 (got -1)", "line 7: CMT: model two_cmt has no
/// compartment 3 (got 3)". Extra times go just before the first record whose TIME exceeds them.
/// Methods, the same-time ordering rule and tolerances: docs/pk-solvers.md.
core::Result<std::vector<OutputRow>> simulate(const ModelSpec& model,
                                              const ParameterValues& parameters,
                                              const SubjectTimeline& subject,
                                              const SimulationOptions& options = {});

/// As simulate, with parameter values that change from record to record (one set per record of
/// `subject`, e.g. $PK of a user model evaluated on each record's covariates). NONMEM's rule: the
/// interval that ends at a record is advanced with that record's values (resolve.h,
/// Event::interval_record), a dose takes F, ALAG, R and D from its own record, and CP divides by
/// the central volume of the output's interval record. Records with equal values share one
/// solver. Errors name the record line ("line 7: one_cmt: parameter CL must be > 0 (got -1)").
core::Result<std::vector<OutputRow>> simulate_per_record(
    const ModelSpec& model, std::span<const ParameterValues> per_record,
    const SubjectTimeline& subject, const SimulationOptions& options = {});

}  // namespace ketapath::pk
