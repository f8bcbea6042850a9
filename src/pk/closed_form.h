#pragma once
// Closed-form state advance for the linear catalogue models (ADVAN1-4, 11, 12) with an optional
// effect site: exact to rounding, a handful of exp() calls per interval.
//
// Method. The disposition block (central plus 0-2 peripherals) is a mammillary system; scaling each
// amount by 1/sqrt(volume) makes its rate matrix symmetric, so it has real, distinct eigenvalues
// -lambda_i and an orthonormal eigenbasis (Eigen's self-adjoint solver; 3x3 at most, once per
// subject). In those modal coordinates the whole model is a cascade of scalar first-order systems:
//   depot (rate KA) -> each disposition mode (rate lambda_i) -> effect site (rate KE0),
// and a constant infusion is a "mode" of rate 0. The response of such a cascade over dt is the
// product of its transfer coefficients and a divided difference of exp(mu dt) over the rates on
// the path (divided_difference.h), which stays exact when KA equals CL/V or an eigenvalue, or KE0
// equals either. Compare Abuhelwa, Foster & Upton (2015), whose per-model formulas divide by
// (lambda_i - lambda_j) without such a guard.

#include <vector>

#include <Eigen/Dense>

#include "pk/propagator.h"
#include "pk/structure.h"

namespace ketapath::pk {

class ClosedFormPropagator final : public Propagator {
 public:
  /// Requires a linear structure (not Michaelis-Menten).
  explicit ClosedFormPropagator(const ModelStructure& structure);

  core::Status advance(Eigen::VectorXd& x, const Eigen::VectorXd& rates, double dt) override;

  [[nodiscard]] bool linear() const override { return true; }

  /// Disposition eigenvalues lambda_i (1/h, positive, ascending), for tests and documentation.
  [[nodiscard]] const Eigen::VectorXd& eigenvalues() const { return lambda_; }

 private:
  std::vector<int> disposition_;  // state indices: central, then peripherals
  int central_position_ = 0;      // position of the central compartment in disposition_
  int depot_ = -1;
  int effect_ = -1;
  double ka_ = 0.0;
  double ke0_ = 0.0;
  double central_volume_ = 0.0;
  Eigen::VectorXd lambda_;
  Eigen::MatrixXd to_modal_;    // z = to_modal_ * A_disposition
  Eigen::MatrixXd from_modal_;  // A_disposition = from_modal_ * z
};

}  // namespace ketapath::pk
