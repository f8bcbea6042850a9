#include "pk/engine.h"

#include <algorithm>
#include <cmath>

namespace ketapath::pk {

namespace {

// Span of a constant-infusion "period" for its fixed point: any length works for a linear model;
// long enough that I - Phi is well conditioned even for slow terminal phases.
constexpr double kConstantInfusionSpan = 100.0;
constexpr int kMaxNewtonIterations = 50;

class RegimenMap {
 public:
  RegimenMap(const SteadyStateRegimen& r, Propagator& p, int compartments)
      : r_(r), p_(p), zero_(Eigen::VectorXd::Zero(compartments)) {
    if (r.constant_infusion) {
      high_ = zero_;
      high_[r.compartment] = r.rate;
      return;
    }
    if (r.rate > 0.0) {
      // duration = m*II + rest: at steady state m + 1 infusions overlap during [0, rest) and m
      // during [rest, II) (PREDPP: "a constant rate infusion superimposed on infusions with
      // duration < II").
      const double m = std::floor(r.duration / r.interval);
      rest_ = r.duration - m * r.interval;
      high_ = zero_;
      high_[r.compartment] = (m + 1.0) * r.rate;
      low_ = zero_;
      low_[r.compartment] = m * r.rate;
    }
  }

  /// State `phase` hours after a dose entered, starting from x just before it.
  core::Status profile(Eigen::VectorXd& x, double phase) {
    if (r_.constant_infusion)
      return p_.advance(x, high_, phase);
    if (r_.rate > 0.0) {
      const double first = std::min(phase, rest_);
      if (first > 0.0)
        KETAPATH_TRY(p_.advance(x, high_, first));
      if (phase > rest_)
        KETAPATH_TRY(p_.advance(x, low_, phase - rest_));
      return {};
    }
    x[r_.compartment] += r_.amount;
    return p_.advance(x, zero_, phase);
  }

  /// M(x): one full period.
  core::Status period(Eigen::VectorXd& x) {
    return profile(x, r_.constant_infusion ? kConstantInfusionSpan : r_.interval);
  }

 private:
  const SteadyStateRegimen& r_;
  Propagator& p_;
  Eigen::VectorXd zero_;
  Eigen::VectorXd high_;
  Eigen::VectorXd low_;
  double rest_ = 0.0;
};

}  // namespace

core::Result<Eigen::VectorXd> steady_state(const SteadyStateRegimen& regimen,
                                           Propagator& propagator, int compartments, int states,
                                           const EngineOptions& options) {
  RegimenMap map(regimen, propagator, compartments);
  auto apply = [&](const Eigen::VectorXd& x) -> core::Result<Eigen::VectorXd> {
    Eigen::VectorXd y = x;
    KETAPATH_TRY(map.period(y));
    return y;
  };
  Eigen::VectorXd x = Eigen::VectorXd::Zero(states);
  const bool linear = propagator.linear();
  if (!linear) {
    // As PREDPP's SS routines: three periods from zero give the starting estimate.
    for (int i = 0; i < 3; ++i)
      x = KETAPATH_TRY(apply(x));
  }
  Eigen::MatrixXd jacobian(states, states);
  for (int iteration = 0; iteration < kMaxNewtonIterations; ++iteration) {
    const Eigen::VectorXd mx = KETAPATH_TRY(apply(x));
    const Eigen::VectorXd residual = mx - x;
    const double scale = std::max({mx.cwiseAbs().maxCoeff(), x.cwiseAbs().maxCoeff(), 1e-300});
    if (iteration > 0 && residual.cwiseAbs().maxCoeff() <= options.steady_state_tolerance * scale) {
      // A steady state exists only where the period map contracts; without elimination able to
      // keep up (a Michaelis-Menten infusion faster than VM) Newton drifts to ever larger amounts
      // where M(x) - x is small relative to x but the map's Jacobian is the identity.
      const double radius = jacobian.eigenvalues().cwiseAbs().maxCoeff();
      if (!(radius < 1.0 - 1e-9))
        break;
      return mx;
    }
    // Jacobian of M by differences. M is affine for linear models, so a step of the size of the
    // state gives Phi to rounding; nonlinear models use small relative steps.
    for (int j = 0; j < states; ++j) {
      double h = linear ? std::max(1.0, scale)
                        : 1e-6 * std::max(std::abs(x[j]), 1e-3 * std::max(scale, 1e-6));
      Eigen::VectorXd xp = x;
      xp[j] += h;
      h = xp[j] - x[j];  // the step actually taken
      const Eigen::VectorXd mp = KETAPATH_TRY(apply(xp));
      jacobian.col(j) = (mp - mx) / h;
    }
    const Eigen::MatrixXd g = Eigen::MatrixXd::Identity(states, states) - jacobian;
    Eigen::VectorXd step = g.fullPivLu().solve(residual);
    if (!step.allFinite())
      break;
    // Keep amounts non-negative in the nonlinear iteration (Michaelis-Menten is singular at
    // C = -KM); a linear step lands on the answer directly.
    double damping = 1.0;
    while (!linear && damping > 1e-6 && ((x + damping * step).array() < 0.0).any())
      damping *= 0.5;
    x += damping * step;
  }
  return core::fail(core::ErrorCode::Solver,
                    "steady state: no periodic solution found for the dose in compartment {} "
                    "(interval {} h)",
                    regimen.compartment + 1, regimen.interval);
}

core::Result<std::vector<StateSnapshot>> run_events(std::span<const Event> events,
                                                    Propagator& propagator, int compartments,
                                                    int states, const EngineOptions& options) {
  std::vector<StateSnapshot> out;
  Eigen::VectorXd x = Eigen::VectorXd::Zero(states);
  Eigen::VectorXd rates = Eigen::VectorXd::Zero(compartments);
  std::vector<int> running(static_cast<std::size_t>(compartments), 0);
  double t = events.empty() ? 0.0 : events.front().time;
  for (const Event& e : events) {
    if (e.time > t) {
      propagator.select(e.interval_record);
      propagator.set_time(t);
      KETAPATH_TRY(propagator.advance(x, rates, e.time - t));
    }
    // Time only moves backwards on a reset (EVID 3/4 may restart the clock).
    t = e.time;
    switch (e.action) {
      case EventAction::Reset:
        x.setZero();
        rates.setZero();
        std::fill(running.begin(), running.end(), 0);
        break;
      case EventAction::SteadyState: {
        propagator.select(e.interval_record);
        const Eigen::VectorXd ss =
            KETAPATH_TRY(steady_state(e.regimen, propagator, compartments, states, options));
        Eigen::VectorXd at_record = ss;
        if (!e.regimen.constant_infusion && e.regimen.phase < e.regimen.interval) {
          // With a lag the record time falls `phase` after the last implied dose entered.
          RegimenMap map(e.regimen, propagator, compartments);
          at_record = ss;
          KETAPATH_TRY(map.profile(at_record, e.regimen.phase));
        }
        if (e.regimen.superpose) {
          x += at_record;
        } else {
          x = at_record;
          rates.setZero();
          std::fill(running.begin(), running.end(), 0);
        }
        break;
      }
      case EventAction::Bolus:
        x[e.compartment] += e.amount;
        break;
      case EventAction::RateChange: {
        auto& n = running[static_cast<std::size_t>(e.compartment)];
        n += e.rate > 0.0 ? 1 : -1;
        // Exact zero when the last infusion stops, so no rounding residue keeps feeding it.
        rates[e.compartment] = n == 0 ? 0.0 : rates[e.compartment] + e.rate;
        break;
      }
      case EventAction::Output:
        out.push_back({t, e.record_index, e.interval_record, x});
        break;
    }
  }
  return out;
}

}  // namespace ketapath::pk
