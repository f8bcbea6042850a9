#pragma once
// Exact propagation of a linear system with constant input over an interval:
//   dx/dt = A x + b,   x(t0 + dt) = e^{A dt} x(t0) + (integral_0^dt e^{A s} ds) b.
// Both terms come from one matrix exponential of the augmented matrix [[A, b], [0, 0]] (Van Loan
// 1978), computed by Eigen's scaling-and-squaring Pade approximant. This is exact to rounding for
// any linear compartment model, including repeated eigenvalues (KA = CL/V), so it serves as the
// independent reference for the closed forms and as a general propagator for linear PK.
//
// Example:
//   Eigen::MatrixXd a{{-ka, 0}, {ka, -k}};
//   pk::LinearPropagator step(a, 0.5);            // 30-minute step
//   step.advance(x, Eigen::VectorXd::Zero(2));  // x <- state half an hour later

#include <Eigen/Dense>

namespace ketapath::pk {

class LinearPropagator {
 public:
  /// Precomputes e^{A dt} and its integral for one step length dt (hours, >= 0).
  LinearPropagator(const Eigen::MatrixXd& a, double dt);

  /// x <- e^{A dt} x + Gamma b, where b is the constant input (amount per hour per state).
  void advance(Eigen::VectorXd& x, const Eigen::VectorXd& b) const;

  [[nodiscard]] const Eigen::MatrixXd& transition() const { return phi_; }

  [[nodiscard]] const Eigen::MatrixXd& input_gain() const { return gamma_; }

 private:
  Eigen::MatrixXd phi_;    // e^{A dt}
  Eigen::MatrixXd gamma_;  // integral_0^dt e^{A s} ds
};

/// One-off exact step: the state after dt hours from x0 under constant input b.
Eigen::VectorXd propagate_linear(const Eigen::MatrixXd& a, const Eigen::VectorXd& x0,
                                 const Eigen::VectorXd& b, double dt);

}  // namespace ketapath::pk
