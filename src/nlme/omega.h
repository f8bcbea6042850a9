#pragma once
// Checks of OMEGA and SIGMA that every population model (catalogue or user model) applies, and
// the Cholesky factor ETA draws use: ETA = L z with OMEGA = L L' and z ~ N(0, I).
//
// Example:
//   KETAPATH_TRY(nlme::check_omega(model.etas(), model.omega()));
//   const Eigen::MatrixXd l = KETAPATH_TRY(nlme::omega_cholesky(model.etas(), model.omega()));

#include <span>
#include <string>

#include <Eigen/Dense>

#include "core/error.h"
#include "nlme/model.h"

namespace ketapath::nlme {

/// OMEGA must be square with one row per ETA, finite, symmetric, with variances > 0, and
/// positive definite. InvalidArgument naming the matrix and the ETAs: "OMEGA (ETAs CL, V1) is not
/// positive definite: ...", "OMEGA CL: variance must be > 0 (got -0.1)".
core::Status check_omega(std::span<const std::string> etas, const Eigen::MatrixXd& omega);

/// SIGMA variances must be finite and >= 0. InvalidArgument "SIGMA prop: variance must be >= 0
/// (got -1)".
core::Status check_sigma(const ResidualError& sigma);

/// The lower Cholesky factor of a checked OMEGA (an empty matrix for no ETA).
core::Result<Eigen::MatrixXd> omega_cholesky(std::span<const std::string> etas,
                                             const Eigen::MatrixXd& omega);

}  // namespace ketapath::nlme
