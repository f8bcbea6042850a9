#include "pk/closed_form.h"

#include <array>
#include <cmath>

#include "pk/divided_difference.h"

namespace ketapath::pk {

namespace {

// f[-r_1, ..., -r_m] for f(mu) = exp(mu dt): the cascade response through rates r_1..r_m.
template <class... Rates>
double cascade(double dt, Rates... rates) {
  const std::array<double, sizeof...(Rates)> nodes{-rates...};
  return exp_divided_difference(nodes, dt);
}

}  // namespace

ClosedFormPropagator::ClosedFormPropagator(const ModelStructure& s) {
  KETAPATH_ASSERT(s.linear(), "closed forms need a linear model");
  disposition_.push_back(s.central);
  std::vector<double> volumes{s.central_volume};
  for (const Peripheral& p : s.peripherals) {
    disposition_.push_back(p.index);
    volumes.push_back(p.volume);
  }
  central_position_ = 0;
  depot_ = s.depot;
  ka_ = s.ka;
  central_volume_ = s.central_volume;
  if (s.ke0) {
    effect_ = s.compartments;
    ke0_ = *s.ke0;
  }
  const auto nd = static_cast<Eigen::Index>(disposition_.size());
  // Symmetrised disposition matrix S = D^{-1/2} K D^{1/2}, D = diag(volumes): with amounts scaled
  // by 1/sqrt(V) every transfer Q between two compartments appears as Q / sqrt(V_i V_j).
  Eigen::MatrixXd minus_s = Eigen::MatrixXd::Zero(nd, nd);
  minus_s(0, 0) = s.cl / s.central_volume;
  for (Eigen::Index j = 1; j < nd; ++j) {
    const double q = s.peripherals[j - 1].q;
    minus_s(0, 0) += q / volumes[0];
    minus_s(j, j) = q / volumes[j];
    minus_s(0, j) = minus_s(j, 0) = -q / std::sqrt(volumes[0] * volumes[j]);
  }
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(minus_s);
  lambda_ = solver.eigenvalues();
  const Eigen::MatrixXd& u = solver.eigenvectors();
  Eigen::VectorXd root_v(nd);
  for (Eigen::Index j = 0; j < nd; ++j)
    root_v[j] = std::sqrt(volumes[j]);
  to_modal_ = u.transpose() * root_v.cwiseInverse().asDiagonal();
  from_modal_ = root_v.asDiagonal() * u;
}

core::Status ClosedFormPropagator::advance(Eigen::VectorXd& x, const Eigen::VectorXd& rates,
                                           double dt) {
  if (dt <= 0.0)
    return {};
  const auto nd = static_cast<Eigen::Index>(disposition_.size());
  Eigen::VectorXd amounts(nd);
  Eigen::VectorXd inputs(nd);
  for (Eigen::Index j = 0; j < nd; ++j) {
    amounts[j] = x[disposition_[j]];
    inputs[j] = rates[disposition_[j]];
  }
  const Eigen::VectorXd z = to_modal_ * amounts;
  const Eigen::VectorXd b = to_modal_ * inputs;
  const double depot = depot_ >= 0 ? x[depot_] : 0.0;
  const double depot_rate = depot_ >= 0 ? rates[depot_] : 0.0;
  const bool from_depot = depot != 0.0 || depot_rate != 0.0;
  const double ka = ka_;

  Eigen::VectorXd z_new(nd);
  double effect_input = 0.0;  // sum over modes of their contribution to CE, before ke0/V
  for (Eigen::Index i = 0; i < nd; ++i) {
    const double lambda = lambda_[i];
    const double into_central = to_modal_(i, central_position_);  // modal image of a unit input
    double zi = z[i] * cascade(dt, lambda);
    if (b[i] != 0.0)
      zi += b[i] * cascade(dt, 0.0, lambda);
    if (from_depot) {
      double via_depot = 0.0;
      if (depot != 0.0)
        via_depot += depot * cascade(dt, ka, lambda);
      if (depot_rate != 0.0)
        via_depot += depot_rate * cascade(dt, 0.0, ka, lambda);
      zi += ka * into_central * via_depot;
    }
    z_new[i] = zi;
    if (effect_ >= 0) {
      const double ke0 = ke0_;
      double e = z[i] * cascade(dt, lambda, ke0);
      if (b[i] != 0.0)
        e += b[i] * cascade(dt, 0.0, lambda, ke0);
      if (from_depot) {
        double via_depot = 0.0;
        if (depot != 0.0)
          via_depot += depot * cascade(dt, ka, lambda, ke0);
        if (depot_rate != 0.0)
          via_depot += depot_rate * cascade(dt, 0.0, ka, lambda, ke0);
        e += ka * into_central * via_depot;
      }
      effect_input += from_modal_(central_position_, i) * e;
    }
  }
  const Eigen::VectorXd amounts_new = from_modal_ * z_new;
  for (Eigen::Index j = 0; j < nd; ++j)
    x[disposition_[j]] = amounts_new[j];
  if (depot_ >= 0) {
    double d = depot * cascade(dt, ka);
    if (depot_rate != 0.0)
      d += depot_rate * cascade(dt, 0.0, ka);
    x[depot_] = d;
  }
  if (effect_ >= 0) {
    x[effect_] = x[effect_] * cascade(dt, ke0_) + ke0_ / central_volume_ * effect_input;
  }
  return {};
}

}  // namespace ketapath::pk
