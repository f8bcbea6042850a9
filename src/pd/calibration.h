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
/// targets, except that later groups use earlier fits.
std::vector<CalibrationProblem> default_calibration();

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
