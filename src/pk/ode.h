#pragma once
// ODE state advance on SUNDIALS CVODE (BDF, Newton iteration with a dense direct linear solver and
// an analytic Jacobian). The right-hand side is the model's linear rate matrix (structure.h) plus,
// for one_cmt_mm, Michaelis-Menten elimination VM*C/(KM+C) from the central compartment, and the
// effect site dCE/dt = KE0 (CP - CE) for any model given KE0. The integrator is re-initialised
// at the start of every advance, i.e. at every event discontinuity, and never steps past its end.

#include <memory>

#include "pk/propagator.h"
#include "pk/structure.h"

namespace ketapath::pk {

class OdePropagator final : public Propagator {
 public:
  /// rtol/atol as CVODE's scalar tolerances (atol in the state's units: mg and mg/L).
  OdePropagator(const ModelStructure& structure, double relative_tolerance,
                double absolute_tolerance);
  ~OdePropagator() override;
  OdePropagator(const OdePropagator&) = delete;
  OdePropagator& operator=(const OdePropagator&) = delete;

  core::Status advance(Eigen::VectorXd& x, const Eigen::VectorXd& rates, double dt) override;
  [[nodiscard]] bool linear() const override;

  /// Total CVODE steps taken so far (for benchmarks and diagnostics).
  [[nodiscard]] long steps() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ketapath::pk
