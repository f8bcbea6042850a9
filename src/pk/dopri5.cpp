#include "pk/dopri5.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"

namespace ketapath::pk {
namespace {

// The Dormand-Prince tableau (Hairer et al. 1993, table II.5.2).
constexpr double c2 = 1.0 / 5.0, c3 = 3.0 / 10.0, c4 = 4.0 / 5.0, c5 = 8.0 / 9.0;
constexpr double a21 = 1.0 / 5.0;
constexpr double a31 = 3.0 / 40.0, a32 = 9.0 / 40.0;
constexpr double a41 = 44.0 / 45.0, a42 = -56.0 / 15.0, a43 = 32.0 / 9.0;
constexpr double a51 = 19372.0 / 6561.0, a52 = -25360.0 / 2187.0, a53 = 64448.0 / 6561.0,
                 a54 = -212.0 / 729.0;
constexpr double a61 = 9017.0 / 3168.0, a62 = -355.0 / 33.0, a63 = 46732.0 / 5247.0,
                 a64 = 49.0 / 176.0, a65 = -5103.0 / 18656.0;
constexpr double a71 = 35.0 / 384.0, a73 = 500.0 / 1113.0, a74 = 125.0 / 192.0,
                 a75 = -2187.0 / 6784.0, a76 = 11.0 / 84.0;
// The 5th-order solution minus the embedded 4th-order one.
constexpr double e1 = 71.0 / 57600.0, e3 = -71.0 / 16695.0, e4 = 71.0 / 1920.0,
                 e5 = -17253.0 / 339200.0, e6 = 22.0 / 525.0, e7 = -1.0 / 40.0;
// The continuous extension (dopri5.f, CONTD5).
constexpr double d1 = -12715105075.0 / 11282082432.0, d3 = 87487479700.0 / 32700410799.0,
                 d4 = -10690763975.0 / 1880347072.0, d5 = 701980252875.0 / 199316789632.0,
                 d6 = -1453857185.0 / 822651844.0, d7 = 69997945.0 / 29380423.0;
// Step-size control as in dopri5.f: safety factor, bounds on the change, PI stabilisation.
constexpr double kSafe = 0.9, kGrowMax = 10.0, kShrinkMax = 0.2, kBeta = 0.04;
constexpr double kExpo1 = 0.2 - kBeta * 0.75;
// Hairer's stiffness test: h*|lambda| beyond the boundary of the stability region (about 3.3 on
// the negative real axis) on 15 accepted steps, not interrupted by 6 below it.
constexpr double kStabilityBoundary = 3.25;
constexpr int kStiffSteps = 15, kNonStiffSteps = 6;
constexpr long kMaxStepsPerAdvance = 100000;
constexpr int kMaxUndefined = 30;

}  // namespace

Dopri5::Dopri5(int states, Function f, double relative_tolerance, double absolute_tolerance)
    : n_(states), f_(std::move(f)), rtol_(relative_tolerance), atol_(absolute_tolerance) {
  KETAPATH_ASSERT(states >= 1, "Dopri5 needs at least one state");
  const auto n = static_cast<std::size_t>(states);
  storage_.assign(16 * n, 0.0);
  std::span<double> all(storage_);
  std::span<double>* parts[] = {&y_,  &y1_, &ysti_, &k1_, &k2_, &k3_, &k4_, &k5_,
                                &k6_, &k7_, &err_,  &r1_, &r2_, &r3_, &r4_, &r5_};
  for (std::size_t i = 0; i < std::size(parts); ++i)
    *parts[i] = all.subspan(i * n, n);
}

bool Dopri5::eval(double t, std::span<const double> x, std::span<double> dx) {
  if (!f_(t, x, dx))
    return false;
  return std::all_of(dx.begin(), dx.end(), [](double v) { return std::isfinite(v); });
}

void Dopri5::start(double t, std::span<const double> x) {
  std::copy(x.begin(), x.end(), y_.begin());
  t_ = t;
  t_old_ = t;
  h_ = 0.0;
  last_h_ = 0.0;
  fac_old_ = 1e-4;
  started_ = true;
  have_dense_ = false;
  last_rejected_ = false;
  stiff_count_ = 0;
  nonstiff_count_ = 0;
}

// Hairer's HINIT: a first step from the sizes of y, f(y) and an estimate of f'.
double Dopri5::initial_step() {
  double dnf = 0.0, dny = 0.0;
  for (int i = 0; i < n_; ++i) {
    const double sk = atol_ + rtol_ * std::abs(y_[i]);
    dnf += (k1_[i] / sk) * (k1_[i] / sk);
    dny += (y_[i] / sk) * (y_[i] / sk);
  }
  double h = (dnf <= 1e-10 || dny <= 1e-10) ? 1e-6 : std::sqrt(dny / dnf) * 0.01;
  for (int i = 0; i < n_; ++i)
    y1_[i] = y_[i] + h * k1_[i];
  if (!eval(t_ + h, y1_, k2_))
    return 1e-6;
  double der2 = 0.0;
  for (int i = 0; i < n_; ++i) {
    const double sk = atol_ + rtol_ * std::abs(y_[i]);
    der2 += ((k2_[i] - k1_[i]) / sk) * ((k2_[i] - k1_[i]) / sk);
  }
  der2 = std::sqrt(der2) / h;
  const double der12 = std::max(std::abs(der2), std::sqrt(dnf));
  const double h1 = der12 <= 1e-15 ? std::max(1e-6, h * 1e-3) : std::pow(0.01 / der12, 0.2);
  return std::min(100.0 * h, h1);
}

// One trial step of size h from (t_, y_) with k1_ = f(y_); false where f is undefined.
bool Dopri5::try_step(double h, double& error) {
  const int n = n_;
  for (int i = 0; i < n; ++i)
    y1_[i] = y_[i] + h * a21 * k1_[i];
  if (!eval(t_ + c2 * h, y1_, k2_))
    return false;
  for (int i = 0; i < n; ++i)
    y1_[i] = y_[i] + h * (a31 * k1_[i] + a32 * k2_[i]);
  if (!eval(t_ + c3 * h, y1_, k3_))
    return false;
  for (int i = 0; i < n; ++i)
    y1_[i] = y_[i] + h * (a41 * k1_[i] + a42 * k2_[i] + a43 * k3_[i]);
  if (!eval(t_ + c4 * h, y1_, k4_))
    return false;
  for (int i = 0; i < n; ++i)
    y1_[i] = y_[i] + h * (a51 * k1_[i] + a52 * k2_[i] + a53 * k3_[i] + a54 * k4_[i]);
  if (!eval(t_ + c5 * h, y1_, k5_))
    return false;
  for (int i = 0; i < n; ++i)
    ysti_[i] =
        y_[i] + h * (a61 * k1_[i] + a62 * k2_[i] + a63 * k3_[i] + a64 * k4_[i] + a65 * k5_[i]);
  if (!eval(t_ + h, ysti_, k6_))
    return false;
  for (int i = 0; i < n; ++i)
    y1_[i] = y_[i] + h * (a71 * k1_[i] + a73 * k3_[i] + a74 * k4_[i] + a75 * k5_[i] + a76 * k6_[i]);
  if (!eval(t_ + h, y1_, k7_))
    return false;
  double sum = 0.0;
  for (int i = 0; i < n; ++i) {
    err_[i] =
        h * (e1 * k1_[i] + e3 * k3_[i] + e4 * k4_[i] + e5 * k5_[i] + e6 * k6_[i] + e7 * k7_[i]);
    const double sk = atol_ + rtol_ * std::max(std::abs(y_[i]), std::abs(y1_[i]));
    sum += (err_[i] / sk) * (err_[i] / sk);
  }
  error = std::sqrt(sum / n);
  return std::isfinite(error);
}

void Dopri5::interpolate(double t, std::span<double> x) const {
  const double theta = (t - t_old_) / last_h_;
  const double theta1 = 1.0 - theta;
  for (int i = 0; i < n_; ++i)
    x[i] = r1_[i] + theta * (r2_[i] + theta1 * (r3_[i] + theta * (r4_[i] + theta1 * r5_[i])));
}

Dopri5::Outcome Dopri5::advance_to(double target, std::span<double> x) {
  KETAPATH_ASSERT(started_, "Dopri5::advance_to before start");
  auto hold = [&](Outcome outcome) {
    std::copy(y_.begin(), y_.end(), x.begin());
    return outcome;
  };
  if (target <= t_) {
    if (target == t_ || !have_dense_)
      return hold(Outcome::Reached);
    interpolate(target, x);
    return Outcome::Reached;
  }
  if (!have_dense_ || h_ == 0.0) {
    if (!eval(t_, y_, k1_))
      return hold(Outcome::Failed);
    h_ = std::min(initial_step(), target - t_);
  }
  long taken = 0;
  int undefined = 0;
  while (t_ < target) {
    if (stiff_count_ >= kStiffSteps) {
      stiff_count_ = 0;
      nonstiff_count_ = 0;
      return hold(Outcome::Stiff);
    }
    if (taken++ >= kMaxStepsPerAdvance)
      return hold(Outcome::TooMany);
    const double h = h_;
    if (0.1 * h <= std::abs(t_) * std::numeric_limits<double>::epsilon() || h <= 0.0)
      return hold(Outcome::Failed);
    double error = 0.0;
    if (!try_step(h, error)) {
      if (++undefined > kMaxUndefined)
        return hold(Outcome::Failed);
      h_ = 0.25 * h;
      last_rejected_ = true;
      continue;
    }
    const double fac11 = std::pow(error, kExpo1);
    if (error > 1.0) {
      h_ = h / std::min(1.0 / kShrinkMax, fac11 / kSafe);
      last_rejected_ = true;
      continue;
    }
    // Accepted.
    double fac = fac11 / std::pow(fac_old_, kBeta);
    fac = std::clamp(fac / kSafe, 1.0 / kGrowMax, 1.0 / kShrinkMax);
    double h_new = h / fac;
    fac_old_ = std::max(error, 1e-4);
    double num = 0.0, den = 0.0;
    for (int i = 0; i < n_; ++i) {
      num += (k7_[i] - k6_[i]) * (k7_[i] - k6_[i]);
      den += (y1_[i] - ysti_[i]) * (y1_[i] - ysti_[i]);
    }
    if (den > 0.0 && h * std::sqrt(num / den) > kStabilityBoundary) {
      nonstiff_count_ = 0;
      ++stiff_count_;
    } else if (++nonstiff_count_ == kNonStiffSteps) {
      stiff_count_ = 0;
    }
    for (int i = 0; i < n_; ++i) {
      r1_[i] = y_[i];
      r2_[i] = y1_[i] - y_[i];
      r3_[i] = h * k1_[i] - r2_[i];
      r4_[i] = r2_[i] - h * k7_[i] - r3_[i];
      r5_[i] =
          h * (d1 * k1_[i] + d3 * k3_[i] + d4 * k4_[i] + d5 * k5_[i] + d6 * k6_[i] + d7 * k7_[i]);
    }
    std::copy(y1_.begin(), y1_.end(), y_.begin());
    std::copy(k7_.begin(), k7_.end(), k1_.begin());
    t_old_ = t_;
    t_ += h;
    have_dense_ = true;
    if (last_rejected_)
      h_new = std::min(h_new, h);
    last_rejected_ = false;
    last_h_ = h;
    h_ = h_new;
    ++steps_;
  }
  interpolate(target, x);
  return Outcome::Reached;
}

}  // namespace ketapath::pk
