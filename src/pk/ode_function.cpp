#include "pk/ode_function.h"

#include <string>
#include <vector>

#include <cvode/cvode.h>
#include <fmt/format.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

namespace ketapath::pk {

struct FunctionOdePropagator::Impl {
  RightHandSide f;
  std::function<void(std::size_t)> on_select;
  Eigen::VectorXd inputs;
  int n = 0;
  SUNContext context = nullptr;
  N_Vector y = nullptr;
  SUNMatrix matrix = nullptr;
  SUNLinearSolver solver = nullptr;
  void* cvode = nullptr;
  long steps = 0;
  std::string last_error;

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

  static void on_error(int code, const char* module, const char* function, char* message,
                       void* data) {
    auto* self = static_cast<Impl*>(data);
    self->last_error = fmt::format("{} {} (code {}): {}", module, function, code, message);
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
  KETAPATH_ASSERT(SUNContext_Create(nullptr, &m.context) == 0, "SUNContext_Create");
  m.y = N_VNew_Serial(m.n, m.context);
  m.matrix = SUNDenseMatrix(m.n, m.n, m.context);
  m.solver = SUNLinSol_Dense(m.y, m.matrix, m.context);
  m.cvode = CVodeCreate(CV_BDF, m.context);
  KETAPATH_ASSERT(m.y && m.matrix && m.solver && m.cvode, "CVODE allocation");
  N_VConst(0.0, m.y);
  KETAPATH_ASSERT(CVodeInit(m.cvode, &Impl::rhs, 0.0, m.y) == CV_SUCCESS, "CVodeInit");
  CVodeSetErrHandlerFn(m.cvode, &Impl::on_error, &m);
  CVodeSetUserData(m.cvode, &m);
  CVodeSStolerances(m.cvode, relative_tolerance, absolute_tolerance);
  CVodeSetLinearSolver(m.cvode, m.solver, m.matrix);
  CVodeSetMaxNumSteps(m.cvode, 500000);
}

FunctionOdePropagator::~FunctionOdePropagator() {
  Impl& m = *impl_;
  CVodeFree(&m.cvode);
  SUNLinSolFree(m.solver);
  SUNMatDestroy(m.matrix);
  N_VDestroy(m.y);
  SUNContext_Free(&m.context);
}

void FunctionOdePropagator::select(std::size_t interval_record) {
  if (impl_->on_select)
    impl_->on_select(interval_record);
}

long FunctionOdePropagator::steps() const {
  return impl_->steps;
}

core::Status FunctionOdePropagator::advance(Eigen::VectorXd& x, const Eigen::VectorXd& rates,
                                            double dt) {
  if (dt <= 0.0)
    return {};
  Impl& m = *impl_;
  m.inputs.setZero();
  m.inputs.head(rates.size()) = rates;
  realtype* y = N_VGetArrayPointer(m.y);
  for (int i = 0; i < m.n; ++i)
    y[i] = x[i];
  // A fresh start at every discontinuity: the BDF history must not straddle a dose.
  CVodeReInit(m.cvode, 0.0, m.y);
  CVodeSetStopTime(m.cvode, dt);
  realtype reached = 0.0;
  const int flag = CVode(m.cvode, dt, m.y, &reached, CV_NORMAL);
  long steps = 0;
  CVodeGetNumSteps(m.cvode, &steps);
  m.steps += steps;
  if (flag < 0) {
    return core::fail(core::ErrorCode::Solver, "CVODE failed advancing {} h from t = 0: {}", dt,
                      m.last_error);
  }
  for (int i = 0; i < m.n; ++i)
    x[i] = y[i];
  return {};
}

}  // namespace ketapath::pk
