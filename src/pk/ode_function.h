#pragma once
// ODE state advance for a right-hand side given as a function (a user model's $DES):
// dx/dt = f(x) + inputs, where inputs are the zero-order rates into the amount states.
// Two integrators, chosen as LSODA chooses between Adams and BDF:
// - explicit Dormand-Prince 5(4) (dopri5.h): six cheap evaluations per step, for non-stiff
//   stretches;
// - SUNDIALS CVODE BDF with Newton iteration and a dense direct linear solver on CVODE's
//   difference-quotient Jacobian, for stiff ones.
// OdeMethod::Automatic starts each stretch explicitly. When Hairer's test finds the explicit step
// held at its stability limit it hands the stretch to BDF, and watches whether BDF's steps grow at
// least kBdfStepAdvantage times longer than the explicit ones (a BDF step costs about that much
// more, docs/performance.md). If they do not, the subject returns to the explicit method for the
// rest of its run: stiff in name, but cheaper explicitly.
// Both restart at every discontinuity (a dose, a rate change, new parameters); between output times
// with nothing else happening they continue, stepping past the output and interpolating as LSODA
// does, instead of restarting for every output row.

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "pk/propagator.h"

namespace ketapath::pk {

/// Fills dx (size = states) for state x at time t (h: the clock set_time gives, else the sum of
/// the intervals advanced); returns false when the derivative is not defined there (a NaN or
/// infinity), which the integrators treat as a recoverable failure.
using RightHandSide =
    std::function<bool(double t, std::span<const double> x, std::span<double> dx)>;

enum class OdeMethod {
  Automatic,  // explicit where it pays, BDF where the problem is stiff (see above)
  Bdf,        // CVODE BDF throughout
  Explicit    // Dormand-Prince throughout (non-stiff problems; fails after its step budget)
};

/// "auto", "bdf" or "dopri5" (the model file's spelling); nullopt for anything else.
std::optional<OdeMethod> parse_ode_method(std::string_view text);

class FunctionOdePropagator final : public Propagator {
 public:
  /// `states` >= 1; `on_select` (optional) runs on select(record), e.g. to load that record's
  /// parameters into what `rhs` reads. rtol/atol are scalar tolerances for either integrator.
  FunctionOdePropagator(int states, RightHandSide rhs, double relative_tolerance,
                        double absolute_tolerance, std::function<void(std::size_t)> on_select = {},
                        OdeMethod method = OdeMethod::Automatic);
  ~FunctionOdePropagator() override;
  FunctionOdePropagator(const FunctionOdePropagator&) = delete;
  FunctionOdePropagator& operator=(const FunctionOdePropagator&) = delete;

  core::Status advance(Eigen::VectorXd& x, const Eigen::VectorXd& rates, double dt) override;

  [[nodiscard]] bool linear() const override { return false; }

  void select(std::size_t interval_record) override;

  /// The next advance starts at t: the integrators run on this clock, so the right-hand side sees
  /// the data set's time. A t other than where the last advance ended restarts them.
  void set_time(double t) override;

  /// Steps taken so far by each integrator.
  [[nodiscard]] long steps() const;
  [[nodiscard]] long explicit_steps() const;
  [[nodiscard]] long bdf_steps() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::size_t selected_ = static_cast<std::size_t>(-1);
};

}  // namespace ketapath::pk
