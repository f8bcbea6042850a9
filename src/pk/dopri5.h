#pragma once
// An explicit Runge-Kutta integrator for non-stiff stretches of a user model's ODEs: the
// Dormand-Prince 5(4) pair with its 4th-order continuous extension and the automatic step-size
// and stiffness detection of Hairer's DOPRI5 (Hairer, Norsett & Wanner, Solving Ordinary
// Differential Equations I, 2nd ed., 1993, section II.5 and the code dopri5.f; the tableau is the
// one in Boost.Odeint's runge_kutta_dopri5.hpp). It steps past an output time and interpolates,
// so hourly outputs cost no extra steps. One step costs six right-hand-side evaluations and a few
// passes over the state, against CVODE's Newton iterations and dense linear solves: where the
// problem is not stiff it is several times cheaper per step (docs/performance.md, "User models").
// Private to pk (ode_function.cpp chooses between this and CVODE BDF).

#include <functional>
#include <span>
#include <vector>

namespace ketapath::pk {

class Dopri5 {
 public:
  /// dx = f(t, x); returns false where f is not defined (a NaN or infinity): the step is retried
  /// with a smaller size, as CVODE does.
  using Function = std::function<bool(double t, std::span<const double> x, std::span<double> dx)>;

  enum class Outcome {
    Reached,  // the state at the target is in x
    Stiff,    // Hairer's test: h*lambda beyond the stability boundary for 15 accepted steps
    TooMany,  // the step budget of one advance is spent
    Failed    // the step size underflowed or f stayed undefined
  };

  Dopri5(int states, Function f, double relative_tolerance, double absolute_tolerance);

  /// Starts a new solution from x at time t (a discontinuity: the history is dropped).
  void start(double t, std::span<const double> x);

  /// Integrates to `target` (>= time()) and writes the interpolated state there into x. On
  /// Stiff, TooMany or Failed, x holds the last accepted state and time() its time.
  Outcome advance_to(double target, std::span<double> x);

  /// The time of the last accepted step (the solver may be ahead of the last target).
  [[nodiscard]] double time() const { return t_; }

  [[nodiscard]] long steps() const { return steps_; }

  /// The size of the last accepted step, h.
  [[nodiscard]] double last_step() const { return last_h_; }

 private:
  bool eval(double t, std::span<const double> x, std::span<double> dx);
  double initial_step();
  bool try_step(double h, double& error);
  void interpolate(double t, std::span<double> x) const;

  int n_;
  Function f_;
  double rtol_;
  double atol_;
  double t_ = 0.0;      // time of y_
  double t_old_ = 0.0;  // start of the last accepted step (dense output covers [t_old_, t_])
  double h_ = 0.0;      // next step size to try
  double last_h_ = 0.0;
  double fac_old_ = 1e-4;
  bool started_ = false;
  bool have_dense_ = false;
  bool last_rejected_ = false;
  int stiff_count_ = 0;
  int nonstiff_count_ = 0;
  long steps_ = 0;
  // State, stages and the dense-output coefficients; one allocation, in the constructor.
  std::vector<double> storage_;
  std::span<double> y_, y1_, ysti_, k1_, k2_, k3_, k4_, k5_, k6_, k7_, err_;
  std::span<double> r1_, r2_, r3_, r4_, r5_;
};

}  // namespace ketapath::pk
