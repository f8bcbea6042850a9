#pragma once
// Individual fits: each subject's ETAs from its DV, by maximum a posteriori with the model's OMEGA
// as the prior (NONMEM's POSTHOC/empirical Bayes estimates), or by least squares (no prior,
// maximum likelihood with SIGMA's error model), through estimation::fit_laplace (NLopt BOBYQA from
// several starts, the Hessian by central differences). Objective, in ETA:
//   MAP  OBJ(eta) = sum_i [ (DV_i - IPRED_i)^2 / sd_i^2 + log(2 pi sd_i^2) ]
//                   + eta' OMEGA^-1 eta + log det(2 pi OMEGA)
//   LS   the same without the OMEGA terms
// with sd_i = sqrt(SIGMA_prop IPRED_i^2 + SIGMA_add) (so -2 log p(y, eta) or -2 log L). Standard
// errors are the square roots of the inverse Hessian's diagonal (the Laplace covariance) on the
// ETA scale; a parameter's relative SE is the delta method on its ETA gradient (for P = TV
// exp(ETA), RSE(P) = SE(ETA)). Shrinkage per ETA over subjects: 1 - SD(eta_hat) / sqrt(OMEGA_kk)
// (SD with n - 1). Formulas and the recovery check: docs/estimation.md.
//
// Example:
//   auto fits = KETAPATH_TRY(nlme::fit(*model, {.subjects = data.subjects, .dv = dv}));

#include <cstddef>
#include <span>
#include <vector>

#include <Eigen/Dense>

#include "core/error.h"
#include "core/units.h"
#include "estimation/posterior.h"
#include "nlme/model.h"
#include "pk/event_timeline.h"

namespace ketapath::nlme {

enum class FitMethod : unsigned char {
  Map,           ///< maximum a posteriori, OMEGA as the prior
  LeastSquares,  ///< maximum likelihood under SIGMA's error model, no prior
};

struct FitInput {
  std::span<const pk::SubjectTimeline> subjects;
  std::span<const std::vector<double>> dv;  ///< dv[s][r], NaN where missing
};

struct FitOptions {
  FitMethod method = FitMethod::Map;
  unsigned threads = 1;  ///< results are identical for every value
  /// The search (starts, box in OMEGA SDs, tolerances); least squares widens the box to
  /// max(box_sds, 10).
  estimation::FitOptions search;
};

struct ObservationFit {
  core::Hours time{0.0};
  std::size_t record_index = 0;
  double dv = 0.0;
  double ipred = 0.0;
  double pred = 0.0;
  double iwres = 0.0;  ///< (DV - IPRED) / sd(IPRED)
};

struct SubjectFit {
  std::size_t subject = 0;  ///< index into FitInput::subjects
  std::vector<double> eta;
  std::vector<double> se_eta;
  Eigen::MatrixXd covariance;      ///< Laplace covariance of the ETAs
  std::vector<double> parameters;  ///< PopulationModel::individual_parameters(eta)
  std::vector<double> rse;         ///< relative SE of each parameter (a fraction)
  std::vector<ObservationFit> observations;
  double objective = 0.0;  ///< OBJ at the estimate (header comment)
  int starts_agreeing = 0;
  int evaluations = 0;
  bool hessian_adjusted = false;  ///< the Hessian was not positive definite and was repaired
  bool on_bound = false;          ///< an ETA ended on the search box (not a converged optimum)
};

struct FitResult {
  std::vector<SubjectFit> subjects;
  std::vector<double> shrinkage;  ///< per ETA (a fraction)
};

/// Fits every subject (in parallel when asked; the output is the same). Errors: SIGMA zero (no
/// likelihood), a subject without DV under least squares (InvalidData naming its ID), the model's
/// bind and predict errors, estimation's Solver errors.
core::Result<FitResult> fit(const PopulationModel& model, const FitInput& input,
                            const FitOptions& options = {});

/// One bound subject's fit (what fit() runs per subject).
core::Result<SubjectFit> fit_subject(const PopulationModel& model, SubjectModel& subject,
                                     const FitOptions& options = {});

/// The estimation model of one bound subject (for tests and other estimators): one parameter per
/// ETA, prior N(0, OMEGA), the DV rows as observations. `subject` must outlive it.
estimation::Model estimation_model(const PopulationModel& model, SubjectModel& subject,
                                   FitMethod method);

}  // namespace ketapath::nlme
