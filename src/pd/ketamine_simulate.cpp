// Exact per-subject simulation of the ketamine model.
//
// The PK part (central, peripheral, norketamine, effect site, second peripheral, one depot per
// extravascular route in use) is linear with piecewise-constant input, so it is propagated exactly
// by the matrix exponential (pk::LinearPropagator) between breakpoints (dose starts, infusion ends,
// output times). The plasticity state S is the only nonlinear state; it is integrated by classical
// RK4 on substeps whose Ce values (start, midpoint, end) come from the same exact propagation, with
// 1-minute substeps while Ce changes fast (6 h after each dose) and 15-minute substeps elsewhere.
// Every other PD output is an algebraic function of Ce, S and the dose history, evaluated by
// pd::ketamine_outputs (ketamine_outputs.h), which the batch engine's clinical endpoints share.
//
// Convention: outputs at a time equal to a dose time are pre-dose values (like a NONMEM
// observation record placed before the dose record), so a "pre-dose rating" at the dose time sees
// neither the new dose nor its session's placebo response.

#include <algorithm>
#include <cmath>
#include <numbers>
#include <utility>
#include <vector>

#include "core/check.h"
#include "pd/ketamine_model.h"
#include "pd/ketamine_outputs.h"
#include "pk/linear_system.h"

namespace ketapath::pd {
namespace {

constexpr Eigen::Index kCentral = 0;
constexpr Eigen::Index kPeripheral = 1;
constexpr Eigen::Index kNorketamine = 2;
constexpr Eigen::Index kEffect = 3;
constexpr Eigen::Index kPeripheral2 = 4;  // second peripheral (Q3 = 0: inert)
constexpr Eigen::Index kFirstDepot = 5;

// At most the five fixed states and one depot per route: fixed-capacity Eigen types, so the
// state, the propagators and every product live on the stack (no allocation in the step loop).
constexpr Eigen::Index kMaxStates = kFirstDepot + static_cast<Eigen::Index>(kRouteCount);
using StateVector = Eigen::Matrix<double, Eigen::Dynamic, 1, 0, kMaxStates, 1>;
using StateMatrix =
    Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, 0, kMaxStates, kMaxStates>;

// exp(A dt) and its integral (pk::LinearPropagator) for one step length.
struct Step {
  StateMatrix phi;
  StateMatrix gamma;
};

// Propagators by step length: the grid and substeps reuse a handful of lengths.
class PropagatorCache {
 public:
  explicit PropagatorCache(const Eigen::MatrixXd& a) : a_(a) { entries_.reserve(64); }

  const Step& get(double dt) {
    for (const auto& [length, step] : entries_) {
      if (length == dt) {
        return step;
      }
    }
    if (entries_.size() >= 64) {
      entries_.clear();
    }
    const pk::LinearPropagator propagator(a_, dt);
    entries_.emplace_back(dt, Step{propagator.transition(), propagator.input_gain()});
    return entries_.back().second;
  }

 private:
  Eigen::MatrixXd a_;
  std::vector<std::pair<double, Step>> entries_;
};

struct Event {
  double time = 0.0;
  bool infusion_end = false;
  std::size_t dose = 0;
};

}  // namespace

std::vector<core::Hours> time_grid(core::Hours end, core::Hours step) {
  std::vector<core::Hours> out;
  if (step.value() <= 0.0 || end.value() < 0.0) {
    return out;
  }
  const auto n = static_cast<long>(std::floor(end.value() / step.value() + 1e-9));
  out.reserve(static_cast<std::size_t>(n) + 1);
  for (long i = 0; i <= n; ++i) {
    out.push_back(core::Hours(static_cast<double>(i) * step.value()));
  }
  return out;
}

core::Result<TimeCourse> simulate_ketamine(const KetamineParameters& p, std::span<const Dose> doses,
                                           std::span<const core::Hours> times,
                                           const SimulateOptions& options) {
  KETAPATH_TRY(validate(p));
  for (std::size_t i = 0; i < doses.size(); ++i) {
    const Dose& d = doses[i];
    const auto check = [&](std::string_view what, double value, std::string_view unit) {
      return core::check_range(fmt::format("ketamine simulation: dose {} {}", i + 1, what), value,
                               unit, core::non_negative(), core::ErrorCode::InvalidArgument);
    };
    KETAPATH_TRY(check("time", d.time.value(), "h"));
    KETAPATH_TRY(check("amount", d.amount.value(), "mg"));
    KETAPATH_TRY(check("duration", d.duration.value(), "h"));
    if (d.duration.value() > 0.0 && d.route != Route::Iv) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "ketamine simulation: dose {} has an infusion duration on route {} (only "
                        "iv doses can be infused; got {} h)",
                        i + 1, route_name(d.route), d.duration.value());
    }
    KETAPATH_TRY(check("expectancy", d.expectancy, ""));
  }
  for (std::size_t i = 0; i < times.size(); ++i) {
    // Each output time >= 0 and not below the one before.
    KETAPATH_TRY(core::check_range(
        [&] { return fmt::format("ketamine simulation: output time {}", i + 1); }, times[i].value(),
        "h", {.low = i == 0 ? 0.0 : times[i - 1].value()}, core::ErrorCode::InvalidArgument));
  }
  const SimulateOptions& o = options;
  KETAPATH_TRY(core::check_range("ketamine simulation: fine substep", o.fine_step.value(), "h",
                                 core::positive(), core::ErrorCode::InvalidArgument));
  KETAPATH_TRY(core::check_range("ketamine simulation: coarse substep", o.coarse_step.value(), "h",
                                 core::positive(), core::ErrorCode::InvalidArgument));

  // State layout: the five fixed states, then one depot per extravascular route in use.
  std::array<Eigen::Index, kRouteCount> depot{};
  depot.fill(-1);
  Eigen::Index n = kFirstDepot;
  for (const Dose& d : doses) {
    const auto r = static_cast<std::size_t>(d.route);
    if (d.route != Route::Iv && d.amount.value() > 0.0 && depot[r] < 0) {
      depot[r] = n++;
    }
  }
  const double v1 = p.v1.value();
  const double k10 = p.cl.value() / v1;
  const double k12 = p.q.value() / v1;
  const double k21 = p.q.value() / p.v2.value();
  const double knk = p.cl_nk.value() / p.v_nk.value();
  const double ke0 = p.ke0.value();
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(n, n);
  a(kCentral, kCentral) = -(k10 + k12);
  a(kCentral, kPeripheral) = k21;
  a(kPeripheral, kCentral) = k12;
  a(kPeripheral, kPeripheral) = -k21;
  a(kNorketamine, kCentral) = p.fm * k10;
  a(kNorketamine, kNorketamine) = -knk;
  const double k13 = p.q3.value() / v1;
  const double k31 = p.q3.value() / p.v3.value();
  a(kCentral, kCentral) -= k13;
  a(kCentral, kPeripheral2) = k31;
  a(kPeripheral2, kCentral) = k13;
  a(kPeripheral2, kPeripheral2) = -k31;
  a(kEffect, kCentral) = ke0 / v1;  // Ce is a concentration state (mg/L)
  a(kEffect, kEffect) = -ke0;
  std::array<double, kRouteCount> depot_load{};  // depot amount per mg of dose
  for (std::size_t r = 0; r < kRouteCount; ++r) {
    if (depot[r] < 0) {
      continue;
    }
    const Absorption& ab = p.absorption(static_cast<Route>(r));
    const double to_parent = ab.f;
    const double to_nk = (1.0 - ab.f) * ab.first_pass_nk;
    depot_load[r] = to_parent + to_nk;
    const Eigen::Index i = depot[r];
    const double ka = ab.ka.value();
    a(i, i) = -ka;
    if (depot_load[r] > 0.0) {
      a(kCentral, i) = ka * to_parent / depot_load[r];
      a(kNorketamine, i) = ka * to_nk / depot_load[r];
    }
  }
  PropagatorCache cache(a);

  // Events in time order; at equal times infusion ends come before dose starts.
  std::vector<Event> events;
  for (std::size_t i = 0; i < doses.size(); ++i) {
    events.push_back({doses[i].time.value(), false, i});
    if (doses[i].duration.value() > 0.0 && doses[i].amount.value() > 0.0) {
      events.push_back({doses[i].time.value() + doses[i].duration.value(), true, i});
    }
  }
  std::stable_sort(events.begin(), events.end(), [](const Event& x, const Event& y) {
    if (x.time != y.time) {
      return x.time < y.time;
    }
    return x.infusion_end && !y.infusion_end;
  });

  TimeCourse out;
  const std::size_t m = times.size();
  out.time.assign(times.begin(), times.end());
  out.ketamine.reserve(m);
  out.norketamine.reserve(m);
  out.effect_site.reserve(m);
  out.cadss.reserve(m);
  out.dsbp.reserve(m);
  out.ddbp.reserve(m);
  out.dhr.reserve(m);
  out.acute.reserve(m);
  out.sustained.reserve(m);
  out.drug_reduction.reserve(m);
  out.placebo.reserve(m);
  out.total_reduction.reserve(m);
  out.doses_before.reserve(m);

  int running_infusions = 0;
  StateVector x = StateVector::Zero(n);
  StateVector b = StateVector::Zero(n);  // infusion input, mg/h
  StateVector next(n);
  // x <- exp(A dt) x + Gamma b; the input term only while an infusion runs (b is 0 otherwise).
  const auto propagate = [&](const Step& step) {
    next.noalias() = step.phi * x;
    if (running_infusions > 0) {
      next.noalias() += step.gamma * b;
    }
    x = next;
  };
  double s = std::clamp(o.initial_sustained, 0.0, 1.0);
  double t = 0.0;
  double last_change = -1e300;  // last dose start or infusion end (for the fine window)
  const double koff = std::numbers::ln2 / p.s_t12.value();
  const double kon = p.s_kon.value();

  const auto plasticity_rate = [&](double state, double g) {
    return kon * g * (1.0 - state) - koff * state;
  };
  // The drive at the end of a step is the next step's start drive (Ce is continuous: doses go
  // into the depot or the central compartment), so each step evaluates the Hill term twice
  // (midpoint, end) instead of four times; keyed by Ce, so it is the same value either way.
  double drive_ce = 0.0;
  double drive = plasticity_drive(p, 0.0);
  const auto drive_at = [&](double ce) {
    if (ce != drive_ce) {
      drive_ce = ce;
      drive = plasticity_drive(p, ce);
    }
    return drive;
  };

  // Advances x (exact) and S (RK4 on exact Ce) from t to `until`.
  const auto advance = [&](double until) {
    while (t < until) {
      const bool fine = running_infusions > 0 || t - last_change < o.fine_window.value();
      double h = fine ? o.fine_step.value() : o.coarse_step.value();
      if (fine && last_change + o.fine_window.value() > t) {
        // Do not step over the end of the fine window with a coarse step, nor past `until`.
        h = std::min(h, last_change + o.fine_window.value() - t);
      }
      const bool last = until - t <= h * (1.0 + 1e-9);
      if (last) {
        h = until - t;
      }
      const auto& half = cache.get(0.5 * h);
      const double ce0 = x(kEffect);
      propagate(half);
      const double ce_mid = x(kEffect);
      propagate(half);
      const double ce1 = x(kEffect);
      const double g0 = drive_at(ce0);
      const double g_mid = drive_at(ce_mid);
      const double g1 = drive_at(ce1);
      const double k1 = plasticity_rate(s, g0);
      const double k2 = plasticity_rate(s + 0.5 * h * k1, g_mid);
      const double k3 = plasticity_rate(s + 0.5 * h * k2, g_mid);
      const double k4 = plasticity_rate(s + h * k3, g1);
      s = std::clamp(s + h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4), 0.0, 1.0);
      t = last ? until : t + h;
    }
    t = until;
  };

  const DoseHistory history(doses);
  const auto record = [&](double now) {
    const double ce = std::max(0.0, x(kEffect));
    const KetamineOutputs y = ketamine_outputs(p, history, core::Hours(now), ce, s);
    append_row(out, std::max(0.0, x(kCentral) / v1),
               std::max(0.0, x(kNorketamine) / p.v_nk.value()), ce, s, y);
  };

  const auto apply = [&](const Event& e) {
    const Dose& d = doses[e.dose];
    const double amount = d.amount.value();
    if (e.infusion_end) {
      b(kCentral) -= amount / d.duration.value();
      --running_infusions;
      if (running_infusions == 0) {
        b(kCentral) = 0.0;  // no rounding residue after the last infusion
      }
      last_change = e.time;
      return;
    }
    if (amount <= 0.0) {
      return;
    }
    last_change = e.time;
    if (d.route == Route::Iv) {
      if (d.duration.value() > 0.0) {
        b(kCentral) += amount / d.duration.value();
        ++running_infusions;
      } else {
        x(kCentral) += amount;
      }
      return;
    }
    const auto r = static_cast<std::size_t>(d.route);
    x(depot[r]) += amount * depot_load[r];
  };

  std::size_t next_event = 0;
  std::size_t next_time = 0;
  while (next_event < events.size() || next_time < m) {
    const double te = next_event < events.size() ? events[next_event].time : 1e300;
    const double to = next_time < m ? times[next_time].value() : 1e300;
    if (to <= te) {  // outputs at a dose time are pre-dose
      advance(to);
      record(to);
      ++next_time;
    } else {
      advance(te);
      apply(events[next_event]);
      ++next_event;
    }
  }
  return out;
}

}  // namespace ketapath::pd
