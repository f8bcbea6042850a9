#include "pk/linear_system.h"

#include <unsupported/Eigen/MatrixFunctions>

#include "core/error.h"

namespace ketapath::pk {

LinearPropagator::LinearPropagator(const Eigen::MatrixXd& a, double dt) {
  KETAPATH_ASSERT(a.rows() == a.cols(), "system matrix must be square");
  KETAPATH_ASSERT(dt >= 0.0, "step length must be non-negative");
  const Eigen::Index n = a.rows();
  // Van Loan: exp([[A, I], [0, 0]] dt) = [[e^{A dt}, integral_0^dt e^{A s} ds], [0, I]].
  Eigen::MatrixXd augmented = Eigen::MatrixXd::Zero(2 * n, 2 * n);
  augmented.topLeftCorner(n, n) = a * dt;
  augmented.topRightCorner(n, n) = Eigen::MatrixXd::Identity(n, n) * dt;
  const Eigen::MatrixXd e = augmented.exp();
  phi_ = e.topLeftCorner(n, n);
  gamma_ = e.topRightCorner(n, n);
}

void LinearPropagator::advance(Eigen::VectorXd& x, const Eigen::VectorXd& b) const {
  x = phi_ * x + gamma_ * b;
}

Eigen::VectorXd propagate_linear(const Eigen::MatrixXd& a, const Eigen::VectorXd& x0,
                                 const Eigen::VectorXd& b, double dt) {
  Eigen::VectorXd x = x0;
  LinearPropagator(a, dt).advance(x, b);
  return x;
}

}  // namespace ketapath::pk
