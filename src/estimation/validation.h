#pragma once
// Validation of the individual estimator on virtual patients (issue 13 "Validation"): each patient
// is drawn from the population model (population::PatientGenerator: covariates, every eta,
// responder class, baselines), given the 6-infusion IV loading series with noisy HAM-A ratings at
// the clinic's times (virtual_course.h), and then
// - recovery: fit on the first K ratings; the importance-sampled posterior mean of each estimated
//   eta against the truth, and the most probable class against the true class;
// - calibration: fit on the first `calibration_k` ratings; whether each later loading rating lies
//   inside its 80% and 95% prediction interval (integers; ties with a bound count as covered);
// - decisions: 12 weeks of maintenance under fixed weekly, fixed fortnightly, the rule, the
//   model's recommendation (its chosen schedule, re-decided every 4 weeks by default, whether or
//   not it meets the risk) and the model gated as the clinic gates it (the rule where the risk is
//   not met); weeks in response (true noise-free state, checked daily at 08:00) per infusion and
//   relapse episodes (in response -> not); and, as a diagnostic, the same decisions made from the
//   patient's true estimated parameters ("oracle": what a perfectly identified posterior would
//   choose; PK typical as in every fit).
// Everything about patient i depends only on (seed, i), so results are identical on any number of
// threads (patients are evaluated in parallel, combined in index order).
//
// Example:
//   auto r = estimation::validate(model, {.patients = 100, .seed = 1, .threads = 2});

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "estimation/forecast.h"
#include "pd/ketamine_model.h"

namespace ketapath::estimation {

/// The truth's time course differs from the prior's (misspecified validation): S_T12 x factor and
/// PLACEBO_T12 x factor in the simulated patients only.
struct Misspecification {
  double s_t12_factor = 1.0;
  double placebo_t12_factor = 1.0;
};

struct ValidationOptions {
  int patients = 100;
  std::uint64_t seed = 1;
  int threads = 1;
  std::vector<int> recovery_k{4, 8, 12};
  int calibration_k = 12;
  bool decisions = false;  ///< the 12-week maintenance comparison (slow)
  double responder_reduction = 0.5;
  double risk = 0.2;
  int draws = 600;           ///< importance-sampling draws per fit
  int forecast_draws = 200;  ///< resampled draws for forecasts and decisions
  Misspecification truth;
  /// The recommendation's credit (forecast.h) and whether each decision looks the clinic's 12
  /// weeks ahead (true) or only to 7 days past the end of the maintenance window (session 9:
  /// the decision knew when the study ends, which a clinic cannot).
  Credit credit = Credit::GainOverWholeIntervals;
  bool full_horizon = true;
  /// The model's schedule is re-decided (re-fitted on every rating so far) this often, days.
  double decision_days = 28.0;
};

struct ParameterRecovery {
  std::string name;
  int k = 0;
  double bias = 0.0;  ///< mean(estimate - truth), eta scale
  double rmse = 0.0;
  double prior_sd = 0.0;  ///< RMSE of guessing the prior mean is about this
};

struct StrategyResult {
  std::string name;        ///< "weekly", "fortnightly", "rule", "model", "model, rule when risk not
                           ///< met", "oracle (true parameters)"
  double infusions = 0.0;  ///< mean per patient
  double weeks_in_response = 0.0;   ///< mean per patient
  double weeks_per_infusion = 0.0;  ///< sum of weeks / sum of infusions
  double relapse_episodes = 0.0;    ///< mean per patient
  double model_followed = 0.0;      ///< fraction of the model's decisions within the risk
};

struct ValidationResult {
  int patients = 0;
  std::vector<ParameterRecovery> recovery;
  std::vector<std::pair<int, double>> class_accuracy;  ///< (K, fraction correct)
  int held_out = 0;
  double coverage80 = 0.0;
  double coverage95 = 0.0;
  double true_responder_fraction = 0.0;
  std::vector<StrategyResult> strategies;
  /// Per patient: the largest true reduction from baseline at the daily checks under fixed weekly
  /// dosing (what threshold R the patient can reach at all in maintenance).
  std::vector<double> weekly_peak_reduction;
  int fits = 0;  ///< posterior fits done (Laplace + importance sampling each)
};

core::Result<ValidationResult> validate(const pd::KetamineModel& model,
                                        const ValidationOptions& options);

}  // namespace ketapath::estimation
