#pragma once
// Uncertainty of the model's typical values (issue 16 item 2): the covariance of log(value) of
// the parameters a calibration estimated (its Laplace approximation, `ketapath calibrate`), kept
// in the model file's [uncertainty] section with its source. `ketapath trial
// --parameter-uncertainty` draws one set of typical values per replicate, `ketapath population
// --parameter-uncertainty` one per virtual patient; off by default.
//
// A draw is log(theta) = log(theta_hat) + L z (L the Cholesky factor of the covariance, z from
// core::Stream::Uncertainty), rejected and redrawn while the set fails pd::validate (a fraction
// above 1: the posterior restricted to the parameters' allowed range).
//
// Example:
//   core::RandomStream u(seed, {.replicate = r, .stream = core::Stream::Uncertainty});
//   pd::KetamineParameters typical = *pd::draw_typical(model, u);

#include <string>

#include <Eigen/Dense>

#include "core/error.h"
#include "core/random.h"
#include "pd/ketamine_model.h"

namespace ketapath::pd {

// TypicalUncertainty (the [uncertainty] section) is defined in pd/ketamine_model.h.

/// Sizes agree, parameters are distinct and positive at the typical values, the matrix is
/// finite, symmetric (1e-12 relative) and positive definite. InvalidArgument naming the problem.
core::Status validate(const TypicalUncertainty& u, const KetamineParameters& typical);

/// Most redraws of one set before giving up (a covariance that puts almost all its mass outside
/// the allowed range is an error in the model file, not something to sample around).
inline constexpr int kMaxTypicalRedraws = 1000;

/// Draws of a model's typical values, with the covariance's Cholesky factor computed once (a
/// population draws one set per patient).
class TypicalSampler {
 public:
  /// InvalidArgument if the model has no [uncertainty] or it fails validate().
  static core::Result<TypicalSampler> create(const KetamineModel& model);

  /// One draw: the model's typical values with the uncertain parameters replaced. Uses `stream`
  /// from its current position (one normal per parameter and attempt). Solver if
  /// kMaxTypicalRedraws attempts all fail pd::validate.
  [[nodiscard]] core::Result<KetamineParameters> draw(core::RandomStream& stream) const;

  [[nodiscard]] const TypicalUncertainty& uncertainty() const { return uncertainty_; }

 private:
  TypicalSampler() = default;
  std::string model_name_;
  KetamineParameters typical_;
  TypicalUncertainty uncertainty_;
  Eigen::MatrixXd lower_;  // Cholesky factor of uncertainty_.log_covariance
};

/// One draw without keeping a sampler: TypicalSampler::create(model) then draw(stream).
core::Result<KetamineParameters> draw_typical(const KetamineModel& model,
                                              core::RandomStream& stream);

}  // namespace ketapath::pd
