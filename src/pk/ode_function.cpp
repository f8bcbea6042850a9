#include "pk/ode_function.h"

#include <string>
#include <vector>

#include <cvode/cvode.h>
#include <fmt/format.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

#include "pk/cvode_session.h"

namespace ketapath::pk {

struct FunctionOdePropagator::Impl {
  RightHandSide f;
  std::function<void(std::size_t)> on_select;
  Eigen::VectorXd inputs;
  int n = 0;
  long steps = 0;
  std::unique_ptr<CvodeSession> session;
  // Continuation: after an advance that nothing has disturbed since (an output-only event: the
  // same state, inputs and parameters), CVODE carries on from where it stopped instead of
  // restarting its BDF history at order 1 with a tiny step.
  bool warm = false;
  double t = 0.0;
  Eigen::VectorXd last_x;
  Eigen::VectorXd last_inputs;

  static int rhs(realtype, N_Vector y, N_Vector ydot, void* data) {
    auto* self = static_cast<Impl*>(data);
    const std::span<const double> x(N_VGetArrayPointer(y), static_cast<std::size_t>(self->n));
    const std::span<double> dx(N_VGetArrayPointer(ydot), static_cast<std::size_t>(self->n));
    if (!self->f(x, dx))
      return 1;  // recoverable: CVODE retries with a smaller step
    for (Eigen::Index i = 0; i < self->inputs.size(); ++i)
      dx[static_cast<std::size_t>(i)] += self->inputs[i];
    return 0;
  }
};

FunctionOdePropagator::FunctionOdePropagator(int states, RightHandSide rhs,
                                             double relative_tolerance, double absolute_tolerance,
                                             std::function<void(std::size_t)> on_select)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  KETAPATH_ASSERT(states >= 1, "FunctionOdePropagator needs at least one state");
  m.f = std::move(rhs);
  m.on_select = std::move(on_select);
  m.n = states;
  m.inputs = Eigen::VectorXd::Zero(states);
  m.session =
      std::make_unique<CvodeSession>(m.n, &Impl::rhs, &m, relative_tolerance, absolute_tolerance);
}

FunctionOdePropagator::~FunctionOdePropagator() = default;

void FunctionOdePropagator::select(std::size_t interval_record) {
  if (impl_->on_select) {
    impl_->on_select(interval_record);
    // The parameters may have changed: the next advance restarts (an exact no-op check would
    // need the caller's parameter identity; restarting is always correct).
    if (interval_record != selected_) {
      impl_->warm = false;
      selected_ = interval_record;
    }
  }
}

long FunctionOdePropagator::steps() const {
  return impl_->steps;
}

core::Status FunctionOdePropagator::advance(Eigen::VectorXd& x, const Eigen::VectorXd& rates,
                                            double dt) {
  if (dt <= 0.0)
    return {};
  Impl& m = *impl_;
  Eigen::VectorXd inputs = Eigen::VectorXd::Zero(m.n);
  inputs.head(rates.size()) = rates;
  const bool resume = m.warm && x == m.last_x && inputs == m.last_inputs;
  realtype* y = N_VGetArrayPointer(m.session->y);
  long before = 0;
  if (!resume) {
    m.inputs = inputs;
    for (int i = 0; i < m.n; ++i)
      y[i] = x[i];
    // A fresh start at every discontinuity: the BDF history must not straddle a dose.
    CVodeReInit(m.session->cvode, 0.0, m.session->y);
    m.t = 0.0;
  } else {
    CVodeGetNumSteps(m.session->cvode, &before);
  }
  const double target = m.t + dt;
  realtype reached = 0.0;
  // No stop time: CVODE may step past the target and interpolate, as LSODA does for output
  // times; whatever comes next (a dose, an infusion's end, new parameters) restarts it.
  const int flag = CVode(m.session->cvode, target, m.session->y, &reached, CV_NORMAL);
  long steps = 0;
  CVodeGetNumSteps(m.session->cvode, &steps);
  m.steps += steps - before;
  if (flag < 0) {
    m.warm = false;
    return core::fail(core::ErrorCode::Solver, "CVODE failed advancing {} h: {}", dt,
                      m.session->last_error);
  }
  for (int i = 0; i < m.n; ++i)
    x[i] = y[i];
  m.t = target;
  m.warm = true;
  m.last_x = x;
  m.last_inputs = inputs;
  return {};
}

}  // namespace ketapath::pk
