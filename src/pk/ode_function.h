#pragma once
// ODE state advance on SUNDIALS CVODE for a right-hand side given as a function (a user model's
// $DES): dx/dt = f(x) + inputs, where inputs are the zero-order rates into the amount states. BDF
// with Newton iteration and a dense direct linear solver on CVODE's difference-quotient Jacobian.
// Re-initialised at every discontinuity (a dose, a rate change, new parameters); between output
// times with nothing else happening it continues, stepping past the output and interpolating as
// LSODA does, instead of restarting at order 1 for every output row.

#include <cstddef>
#include <functional>
#include <memory>
#include <span>

#include "pk/propagator.h"

namespace ketapath::pk {

/// Fills dx (size = states) for state x; returns false when the derivative is not defined there
/// (a NaN or infinity), which CVODE treats as a recoverable failure.
using RightHandSide = std::function<bool(std::span<const double> x, std::span<double> dx)>;

class FunctionOdePropagator final : public Propagator {
 public:
  /// `states` >= 1; `on_select` (optional) runs on select(record), e.g. to load that record's
  /// parameters into what `rhs` reads. rtol/atol as CVODE's scalar tolerances.
  FunctionOdePropagator(int states, RightHandSide rhs, double relative_tolerance,
                        double absolute_tolerance, std::function<void(std::size_t)> on_select = {});
  ~FunctionOdePropagator() override;
  FunctionOdePropagator(const FunctionOdePropagator&) = delete;
  FunctionOdePropagator& operator=(const FunctionOdePropagator&) = delete;

  core::Status advance(Eigen::VectorXd& x, const Eigen::VectorXd& rates, double dt) override;

  [[nodiscard]] bool linear() const override { return false; }

  void select(std::size_t interval_record) override;

  /// Total CVODE steps taken so far.
  [[nodiscard]] long steps() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::size_t selected_ = static_cast<std::size_t>(-1);
};

}  // namespace ketapath::pk
