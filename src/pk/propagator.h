#pragma once
// The one operation every per-subject solver provides: advance the state over an interval with
// constant zero-order inputs. The event engine (engine.h) calls it between events, so the solvers
// never see doses, lags or steady state, and the closed forms and CVODE run the exact same event
// logic.

#include <cstddef>

#include <Eigen/Dense>

#include "core/error.h"

namespace ketapath::pk {

class Propagator {
 public:
  virtual ~Propagator() = default;

  /// x <- state after dt hours (dt >= 0). x holds the amounts A1..An (mg) and, when the model has
  /// an effect site, CE (mg/L) last; `rates` holds the zero-order input into each compartment
  /// (mg/h, size n). Fails only for numerical solvers (ErrorCode::Solver).
  virtual core::Status advance(Eigen::VectorXd& x, const Eigen::VectorXd& rates, double dt) = 0;

  /// True when the state after dt is affine in the state before (superposition holds).
  [[nodiscard]] virtual bool linear() const = 0;

  /// Called by the event loop before it advances to an event (and before a steady state is
  /// computed) with the event's interval record (resolve.h, Event::interval_record): a model whose
  /// parameters change from record to record switches to that record's. No-op by default.
  virtual void select(std::size_t /*interval_record*/) {}

  /// Called by the event loop before each advance with the time (h, the data set's clock) at
  /// which it starts: a right-hand side that reads time (a user model's T in $DES) needs it.
  /// No-op by default. Steady-state cycles do not call it.
  virtual void set_time(double /*t*/) {}
};

}  // namespace ketapath::pk
