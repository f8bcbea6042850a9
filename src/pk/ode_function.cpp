#include "pk/ode_function.h"

#include <optional>
#include <string>
#include <vector>

#include <cvode/cvode.h>
#include <fmt/format.h>
#include <nvector/nvector_serial.h>

#include "pk/cvode_session.h"
#include "pk/dopri5.h"

namespace ketapath::pk {
namespace {

// How much longer a BDF step must be than the explicit step it replaces to pay for itself: on the
// benchmark workload (6 states) a CVODE BDF step costs 1.6 us and a Dormand-Prince step 0.25 us
// (docs/performance.md, "User models"); 8 leaves a margin for larger systems, whose Newton solves
// grow faster than the explicit stages.
constexpr double kBdfStepAdvantage = 8.0;
// BDF restarts at order 1 with a tiny step; its step size is judged once it has settled.
constexpr long kBdfTrialSteps = 100;

const char* describe(Dopri5::Outcome outcome) {
  switch (outcome) {
    case Dopri5::Outcome::TooMany:
      return "more than 100000 steps in one interval (the problem looks stiff: use solver = "
             "\"bdf\" or \"auto\")";
    case Dopri5::Outcome::Failed:
      return "the step size underflowed or the derivatives stayed undefined (NaN or infinite)";
    default:
      return "stopped";
  }
}

}  // namespace

std::optional<OdeMethod> parse_ode_method(std::string_view text) {
  if (text == "auto")
    return OdeMethod::Automatic;
  if (text == "bdf")
    return OdeMethod::Bdf;
  if (text == "dopri5")
    return OdeMethod::Explicit;
  return std::nullopt;
}

struct FunctionOdePropagator::Impl {
  RightHandSide f;
  std::function<void(std::size_t)> on_select;
  OdeMethod method = OdeMethod::Automatic;
  double rtol = 0.0;
  double atol = 0.0;
  Eigen::VectorXd inputs;
  int n = 0;
  long bdf_steps = 0;
  std::unique_ptr<CvodeSession> session;  // created when BDF is first needed
  std::unique_ptr<Dopri5> dopri;
  // The integrator of the current stretch, and the automatic choice's memory for this subject.
  bool on_bdf = false;
  bool bdf_on_trial = false;
  long bdf_trial_start = 0;
  double explicit_step = 0.0;
  bool explicit_only = false;  // BDF was tried and did not pay
  // Continuation: after an advance that nothing has disturbed since (an output-only event: the
  // same state, inputs and parameters), the integrator carries on from where it stopped instead
  // of restarting.
  bool warm = false;
  double t = 0.0;                    // where the last advance ended, on the caller's clock
  std::optional<double> next_start;  // set_time's
  Eigen::VectorXd last_x;

  bool derivatives(double time, std::span<const double> x, std::span<double> dx) {
    if (!f(time, x, dx))
      return false;
    for (Eigen::Index i = 0; i < inputs.size(); ++i)
      dx[static_cast<std::size_t>(i)] += inputs[i];
    return true;
  }

  static int rhs(realtype time, N_Vector y, N_Vector ydot, void* data) {
    auto* self = static_cast<Impl*>(data);
    const std::span<const double> x(N_VGetArrayPointer(y), static_cast<std::size_t>(self->n));
    const std::span<double> dx(N_VGetArrayPointer(ydot), static_cast<std::size_t>(self->n));
    return self->derivatives(time, x, dx) ? 0 : 1;  // 1: recoverable, CVODE retries a smaller step
  }

  long cvode_steps() const {
    long steps = 0;
    if (session)
      CVodeGetNumSteps(session->cvode, &steps);
    return steps;
  }

  // BDF from (t0, x): a fresh start, its history must not straddle a discontinuity.
  void start_bdf(double t0, const Eigen::VectorXd& x) {
    if (!session)
      session = std::make_unique<CvodeSession>(n, &Impl::rhs, this, rtol, atol);
    realtype* y = N_VGetArrayPointer(session->y);
    for (int i = 0; i < n; ++i)
      y[i] = x[i];
    CVodeReInit(session->cvode, t0, session->y);
    on_bdf = true;
  }

  core::Status advance_bdf(Eigen::VectorXd& x, double target, double dt) {
    const long before = cvode_steps();
    realtype reached = 0.0;
    // No stop time: CVODE may step past the target and interpolate, as LSODA does for output
    // times; whatever comes next (a dose, an infusion's end, new parameters) restarts it.
    const int flag = CVode(session->cvode, target, session->y, &reached, CV_NORMAL);
    const long after = cvode_steps();
    bdf_steps += after - before;
    if (flag < 0) {
      return core::fail(core::ErrorCode::Solver, "CVODE failed advancing {} h: {}", dt,
                        session->last_error);
    }
    const realtype* y = N_VGetArrayPointer(session->y);
    for (int i = 0; i < n; ++i)
      x[i] = y[i];
    if (bdf_on_trial && after - bdf_trial_start >= kBdfTrialSteps) {
      bdf_on_trial = false;
      realtype h = 0.0;
      CVodeGetCurrentStep(session->cvode, &h);
      if (h < kBdfStepAdvantage * explicit_step) {
        explicit_only = true;
        on_bdf = false;
        dopri->start(target, std::span<const double>(x.data(), static_cast<std::size_t>(n)));
      }
    }
    return {};
  }

  core::Status advance_explicit(Eigen::VectorXd& x, double target, double dt) {
    const std::span<double> xs(x.data(), static_cast<std::size_t>(n));
    for (;;) {
      const Dopri5::Outcome outcome = dopri->advance_to(target, xs);
      if (outcome == Dopri5::Outcome::Reached)
        return {};
      if (outcome == Dopri5::Outcome::Stiff) {
        if (method == OdeMethod::Explicit || explicit_only)
          continue;  // stiff, but the explicit method is the one to use here
        explicit_step = dopri->last_step();
        bdf_on_trial = true;
        start_bdf(dopri->time(), x);
        bdf_trial_start = cvode_steps();
        return advance_bdf(x, target, dt);
      }
      if (method == OdeMethod::Automatic) {
        start_bdf(dopri->time(), x);
        return advance_bdf(x, target, dt);
      }
      return core::fail(core::ErrorCode::Solver,
                        "the explicit Dormand-Prince solver failed advancing {} h: {}", dt,
                        describe(outcome));
    }
  }
};

FunctionOdePropagator::FunctionOdePropagator(int states, RightHandSide rhs,
                                             double relative_tolerance, double absolute_tolerance,
                                             std::function<void(std::size_t)> on_select,
                                             OdeMethod method)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  KETAPATH_ASSERT(states >= 1, "FunctionOdePropagator needs at least one state");
  m.f = std::move(rhs);
  m.on_select = std::move(on_select);
  m.method = method;
  m.rtol = relative_tolerance;
  m.atol = absolute_tolerance;
  m.n = states;
  m.inputs = Eigen::VectorXd::Zero(states);
  m.dopri = std::make_unique<Dopri5>(
      states,
      [&m](double time, std::span<const double> x, std::span<double> dx) {
        return m.derivatives(time, x, dx);
      },
      relative_tolerance, absolute_tolerance);
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

void FunctionOdePropagator::set_time(double t) {
  impl_->next_start = t;
}

long FunctionOdePropagator::steps() const {
  return explicit_steps() + bdf_steps();
}

long FunctionOdePropagator::explicit_steps() const {
  return impl_->dopri->steps();
}

long FunctionOdePropagator::bdf_steps() const {
  return impl_->bdf_steps;
}

core::Status FunctionOdePropagator::advance(Eigen::VectorXd& x, const Eigen::VectorXd& rates,
                                            double dt) {
  if (dt <= 0.0)
    return {};
  Impl& m = *impl_;
  const double start = m.next_start.value_or(m.t);
  m.next_start.reset();
  // The inputs beyond the rates' compartments (an effect site, say) are always 0.
  const bool resume =
      m.warm && start == m.t && x == m.last_x && m.inputs.head(rates.size()) == rates;
  if (!resume) {
    m.inputs.setZero();
    m.inputs.head(rates.size()) = rates;
    m.t = start;
    m.bdf_on_trial = false;
    if (m.method == OdeMethod::Bdf) {
      m.start_bdf(start, x);
    } else {
      m.on_bdf = false;
      m.dopri->start(start, std::span<const double>(x.data(), static_cast<std::size_t>(m.n)));
    }
  }
  const double target = m.t + dt;
  const core::Status status =
      m.on_bdf ? m.advance_bdf(x, target, dt) : m.advance_explicit(x, target, dt);
  if (!status) {
    m.warm = false;
    return status;
  }
  m.t = target;
  m.warm = true;
  m.last_x = x;
  return {};
}

}  // namespace ketapath::pk
