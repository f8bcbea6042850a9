#include "nlme/omega.h"

#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace ketapath::nlme {

core::Status check_omega(std::span<const std::string> etas, const Eigen::MatrixXd& omega) {
  const auto n = static_cast<Eigen::Index>(etas.size());
  if (omega.rows() != n || omega.cols() != n) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "OMEGA is {}x{} but the model has {} ETAs ({})", omega.rows(), omega.cols(),
                      n, fmt::join(etas, ", "));
  }
  for (Eigen::Index i = 0; i < n; ++i) {
    const std::string& name = etas[static_cast<std::size_t>(i)];
    if (!std::isfinite(omega(i, i)) || !(omega(i, i) > 0.0)) {
      return core::fail(core::ErrorCode::InvalidArgument, "OMEGA {}: variance must be > 0 (got {})",
                        name, omega(i, i));
    }
    for (Eigen::Index j = 0; j < i; ++j) {
      if (!std::isfinite(omega(i, j)) || omega(i, j) != omega(j, i)) {
        return core::fail(core::ErrorCode::InvalidArgument,
                          "OMEGA {},{}: covariance must be finite and symmetric (got {} and {})",
                          name, etas[static_cast<std::size_t>(j)], omega(i, j), omega(j, i));
      }
    }
  }
  if (n > 0 && Eigen::LLT<Eigen::MatrixXd>(omega).info() != Eigen::Success) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "OMEGA (ETAs {}) is not positive definite: a covariance is too large for "
                      "its variances (each |cov(i,j)| < sqrt(var(i) var(j)), and jointly)",
                      fmt::join(etas, ", "));
  }
  return {};
}

core::Status check_sigma(const ResidualError& sigma) {
  const auto check = [](std::string_view name, double v) -> core::Status {
    if (!std::isfinite(v) || !(v >= 0.0)) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "SIGMA {}: variance must be >= 0 (got {})", name, v);
    }
    return {};
  };
  KETAPATH_TRY(check("prop", sigma.proportional_variance));
  return check("add", sigma.additive_variance);
}

core::Result<Eigen::MatrixXd> omega_cholesky(std::span<const std::string> etas,
                                             const Eigen::MatrixXd& omega) {
  KETAPATH_TRY(check_omega(etas, omega));
  if (etas.empty()) {
    return Eigen::MatrixXd(0, 0);
  }
  return Eigen::MatrixXd(Eigen::LLT<Eigen::MatrixXd>(omega).matrixL());
}

}  // namespace ketapath::nlme
