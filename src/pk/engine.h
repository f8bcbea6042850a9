#pragma once
// The event loop shared by every solver: applies resolved events (resolve.h) to the state and
// advances it between them with a Propagator. Steady state is the periodic solution of the
// regimen's one-interval map M(x), found by Newton's method on M(x) = x with a difference Jacobian;
// M is affine for linear models, so one step gives x_ss = (I - Phi(tau))^{-1} M(0) exactly (to
// rounding): the geometric series of the interval propagator in closed form, never many doses.

#include <cstddef>
#include <span>
#include <vector>

#include <Eigen/Dense>

#include "core/error.h"
#include "pk/propagator.h"
#include "pk/resolve.h"

namespace ketapath::pk {

struct StateSnapshot {
  double time = 0.0;                ///< h
  std::size_t record_index = 0;     ///< from the Output event
  std::size_t interval_record = 0;  ///< from the Output event (resolve.h)
  Eigen::VectorXd state;            ///< amounts (mg), then CE (mg/L) when present
};

struct EngineOptions {
  /// Relative accuracy the steady-state iteration must reach; for linear models it is reached
  /// in one Newton step. CVODE-based runs set it from their tolerance.
  double steady_state_tolerance = 1e-12;
};

/// Runs `events` through `propagator` from a zero state; returns one snapshot per Output event, in
/// event order. `compartments` is the number of amount states (inputs), `states` the state size.
core::Result<std::vector<StateSnapshot>> run_events(std::span<const Event> events,
                                                    Propagator& propagator, int compartments,
                                                    int states, const EngineOptions& options = {});

/// The state at the record time of a steady-state regimen (before the record's own dose), computed
/// from a zero state. Exposed for tests.
core::Result<Eigen::VectorXd> steady_state(const SteadyStateRegimen& regimen,
                                           Propagator& propagator, int compartments, int states,
                                           const EngineOptions& options = {});

}  // namespace ketapath::pk
