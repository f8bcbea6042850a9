#include "pk/ode.h"

#include <string>

#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

#include "pk/cvode_session.h"

namespace ketapath::pk {

struct OdePropagator::Impl {
  ModelStructure structure;
  Eigen::MatrixXd k;       // linear part, states x states
  Eigen::VectorXd inputs;  // current zero-order inputs, per state (CE gets none)
  int n = 0;
  bool initialised = false;
  long steps = 0;
  std::unique_ptr<CvodeSession> session;
  double rtol = 0.0;
  double atol = 0.0;

  static int rhs(realtype, N_Vector y, N_Vector ydot, void* data) {
    auto* self = static_cast<Impl*>(data);
    Eigen::Map<const Eigen::VectorXd> x(N_VGetArrayPointer(y), self->n);
    Eigen::Map<Eigen::VectorXd> dx(N_VGetArrayPointer(ydot), self->n);
    dx.noalias() = self->k * x;
    dx += self->inputs;
    const ModelStructure& s = self->structure;
    if (s.michaelis_menten) {
      const double c = x[s.central] / s.central_volume;
      dx[s.central] -= s.vm * c / (s.km + c);
    }
    return 0;
  }

  static int jacobian(realtype, N_Vector y, N_Vector, SUNMatrix jac, void* data, N_Vector, N_Vector,
                      N_Vector) {
    auto* self = static_cast<Impl*>(data);
    const int n = self->n;
    for (int j = 0; j < n; ++j) {
      realtype* column = SUNDenseMatrix_Column(jac, j);
      for (int i = 0; i < n; ++i)
        column[i] = self->k(i, j);
    }
    const ModelStructure& s = self->structure;
    if (s.michaelis_menten) {
      const double c = N_VGetArrayPointer(y)[s.central] / s.central_volume;
      const double denominator = s.km + c;
      SUNDenseMatrix_Column(jac, s.central)[s.central] -=
          s.vm * s.km / (s.central_volume * denominator * denominator);
    }
    return 0;
  }
};

OdePropagator::OdePropagator(const ModelStructure& structure, double relative_tolerance,
                             double absolute_tolerance)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.structure = structure;
  m.k = structure.rate_matrix();
  m.n = structure.states();
  m.inputs = Eigen::VectorXd::Zero(m.n);
  m.rtol = relative_tolerance;
  m.atol = absolute_tolerance;
  m.session = std::make_unique<CvodeSession>(m.n, &Impl::rhs, &m, m.rtol, m.atol);
  CVodeSetJacFn(m.session->cvode, &Impl::jacobian);
}

OdePropagator::~OdePropagator() = default;

bool OdePropagator::linear() const {
  return impl_->structure.linear();
}

long OdePropagator::steps() const {
  return impl_->steps;
}

core::Status OdePropagator::advance(Eigen::VectorXd& x, const Eigen::VectorXd& rates, double dt) {
  if (dt <= 0.0)
    return {};
  Impl& m = *impl_;
  m.inputs.setZero();
  m.inputs.head(rates.size()) = rates;
  realtype* y = N_VGetArrayPointer(m.session->y);
  for (int i = 0; i < m.n; ++i)
    y[i] = x[i];
  // A fresh start at every discontinuity: the BDF history must not straddle a dose.
  CVodeReInit(m.session->cvode, 0.0, m.session->y);
  CVodeSetStopTime(m.session->cvode, dt);
  realtype reached = 0.0;
  const int flag = CVode(m.session->cvode, dt, m.session->y, &reached, CV_NORMAL);
  long steps = 0;
  CVodeGetNumSteps(m.session->cvode, &steps);
  m.steps += steps;
  if (flag < 0) {
    return core::fail(core::ErrorCode::Solver, "CVODE failed advancing {} h from t = 0: {}", dt,
                      m.session->last_error);
  }
  for (int i = 0; i < m.n; ++i)
    x[i] = y[i];
  return {};
}

}  // namespace ketapath::pk
