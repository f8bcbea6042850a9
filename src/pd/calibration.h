#pragma once
// Re-runnable calibration of the model's estimated parameters to published values (reference
// section 9), by NLopt (BOBYQA, derivative-free, bounded) on the typical patient.
//
// A problem is a group of free parameters and the targets that identify them; each target is a
// statistic of typical-patient simulations (e.g. "peak CADSS after 1 mg/kg SC") with its published
// value and source. The objective is the weighted sum of squared relative errors.
//
// Example:
//   for (const auto& problem : pd::default_calibration())
//     auto fit = pd::calibrate(params, problem);   // fit->fitted has the new values

#include <functional>
#include <string>
#include <vector>

#include "core/error.h"
#include "pd/ketamine_model.h"
#include "pd/rating_scales.h"

namespace ketapath::pd {

struct CalibrationTarget {
  std::string name;    ///< "cadss_peak_sc_1mgkg"
  std::string source;  ///< "Glue 2018 J Psychopharmacol 32:663 (CADSS 20 at week 1)"
  double value = 0.0;  ///< the published (or derived) value the statistic should match
  double weight = 1.0;
  /// The model statistic for a parameter set. Errors from simulation propagate.
  std::function<core::Result<double>(const KetamineParameters&)> statistic;
};

struct FreeParameter {
  ParameterId id;
  double lower = 0.0;  ///< bounds in the canonical unit
  double upper = 0.0;
};

struct CalibrationProblem {
  std::string name;  ///< "cadss"
  std::string description;
  std::vector<FreeParameter> free;
  std::vector<CalibrationTarget> targets;
  /// True when every weight is value^2 / SE^2 (a data point or a prior with its SD), so the
  /// objective is -2 log likelihood (+ constant) and laplace_covariance() is meaningful.
  bool inverse_variance = false;
  /// Per target: true for a prior (a translated qualitative statement or a parameter prior),
  /// false for a published number. Empty = all data.
  std::vector<bool> is_prior;
};

/// One point of the anxiolysis evidence (models/anxiolysis_evidence.csv, docs/model.md): the mean
/// fractional reduction of a rating from that session's pre-dose rating `time_h` after the
/// `session`-th of equal doses `interval_h` apart, with its standard error; or, for a prior, the
/// value a qualitative statement is translated to and the prior SD.
struct AnxiolysisObservation {
  std::string id;      ///< fit group ("glue2018_1h") or row id
  std::string source;  ///< study and location in it
  Route route = Route::Sc;
  double dose_mg_per_kg = 0.0;
  double infusion_min = 0.0;  ///< IV infusion length; 0 = bolus / extravascular
  int session = 1;            ///< 1-based
  double interval_h = 168.0;  ///< between sessions
  double time_h = 1.0;        ///< after the observed session's dose
  std::vector<Scale> scales;  ///< rated scales; the model uses their mean sensitivity
  double value = 0.0;         ///< fractional reduction
  double se = 0.0;            ///< standard error (data) or prior SD (prior), > 0
  bool prior = false;
};

struct CalibrationResult {
  std::string problem;
  KetamineParameters fitted;
  std::vector<double> values;    ///< fitted value per free parameter (canonical unit)
  std::vector<double> achieved;  ///< statistic per target at the fit
  double objective = 0.0;
  int evaluations = 0;
};

/// The calibration of the default model (docs/model.md): cadss, tolerance, haemodynamics,
/// anxiolysis. Run in this order; each group's parameters are independent of the others'
/// targets, except that later groups use earlier fits. The anxiolysis problem fits the acute and
/// sustained components jointly to `evidence` (io::read_anxiolysis_evidence of
/// models/anxiolysis_evidence.csv) with inverse-variance weights, plus a weak prior on ANX_GAMMA.
std::vector<CalibrationProblem> default_calibration(
    const std::vector<AnxiolysisObservation>& evidence);

/// The model's value of an observation's statistic: the mean rating reduction (scales' mean
/// sensitivity, session placebo included, typical 70-kg patient).
core::Result<double> observed_reduction(const KetamineParameters& p,
                                        const AnxiolysisObservation& o);

/// Uncertainty of a fit from the curvature of its objective (Laplace / Gauss-Newton): with
/// residuals r_i = sqrt(w_i) (s_i / v_i - 1) and J = dr/d log(theta) by central differences, the
/// covariance of log(theta) is (J^T J)^-1. `data_information[j]` is the share of the Fisher
/// information of parameter j that comes from data rather than from priors (0 = the data say
/// nothing about it). InvalidArgument unless problem.inverse_variance; Solver when J^T J is
/// singular (a parameter no target identifies).
struct FitUncertainty {
  std::vector<std::vector<double>> log_covariance;  ///< of log(parameter), free order
  std::vector<double> relative_se;                  ///< sqrt(diagonal): SE of log = relative SE
  std::vector<double> data_information;             ///< 0..1 per parameter
};

core::Result<FitUncertainty> laplace_uncertainty(const KetamineParameters& fitted,
                                                 const CalibrationProblem& problem,
                                                 double log_step = 1e-3);

/// Fits `problem.free` starting from `start` (clamped into the bounds). InvalidArgument for an
/// empty problem or bad bounds; Solver if NLopt fails or a statistic fails at the start.
core::Result<CalibrationResult> calibrate(const KetamineParameters& start,
                                          const CalibrationProblem& problem,
                                          double relative_tolerance = 1e-9,
                                          int max_evaluations = 4000);

/// Objective value (weighted sum of squared relative errors) of a parameter set.
core::Result<double> calibration_objective(const KetamineParameters& p,
                                           const CalibrationProblem& problem);

}  // namespace ketapath::pd
