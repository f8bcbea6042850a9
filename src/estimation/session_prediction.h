#pragma once
// The PK/PD-aware session (issue 13 item 4): for a dose about to be given, the predicted plasma
// and effect-site ketamine, CADSS and the rise of systolic/diastolic blood pressure and heart
// rate over the session, as the median and the 80% and 95% bands across patients like this one
// (the model's between-patient variability, OMEGA, with the patient's covariates and earlier
// doses, which set the CADSS tolerance); the times to check vitals placed around the predicted
// peak; the predicted time the rises are back within the discharge bands; and recorded readings
// checked against the bands.
//
// Population prediction, not an individual fit: ratings inform anxiolysis (forecast.h), not
// haemodynamics, and the clinic's vitals are too few per session to estimate a patient's own
// SBP_EMAX. The bands carry between-patient variability only: the model has no reading-to-reading
// error for blood pressure, so a reading outside the 95% band means "not what the model expects
// for this dose: re-measure, look for a cause", not that either is wrong.
//
// Engine: no clinic types, no clocks; hours from the start of this dose.
//
// Example:
//   auto p = estimation::predict_session(model, {.covariates = c, .dose = dose});
//   p->vitals_checks;  // {0, 0.42, 0.67, 0.92, ...} h after the start

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/units.h"
#include "pd/ketamine_model.h"

namespace ketapath::estimation {

struct SessionPredictionInput {
  pd::SubjectCovariates covariates;
  std::vector<pd::Dose> earlier;  ///< earlier doses, times in hours before this one (negative)
  pd::Dose dose;                  ///< the dose about to be given; its time is ignored (0)
  core::Hours horizon{6.0};       ///< predicted from the start for this long
  core::Hours step{5.0 / 60.0};   ///< output grid
  /// The clinic's discharge bands (rise over the pre-dose reading) and minimum observation time
  /// after the end of dosing (safety thresholds); the predicted discharge never precedes it.
  core::MillimetresOfMercury systolic_band{20.0};
  core::MillimetresOfMercury diastolic_band{15.0};
  core::BeatsPerMinute heart_rate_band{20.0};
  core::Minutes min_observation{120.0};
  int draws = 500;  ///< patients drawn from OMEGA
  std::uint64_t seed = 1;
};

/// Quantiles of one output across the drawn patients at each grid time.
struct Band {
  std::vector<double> lower95, lower80, median, upper80, upper95;
};

/// A recorded reading compared with the band at its time.
struct ReadingCheck {
  core::Hours time{0.0};  ///< after the start of the dose
  std::string measure;    ///< "systolic", "diastolic", "heart rate"
  double change = 0.0;    ///< the reading minus the pre-dose reading
  double lower95 = 0.0, upper95 = 0.0;
  bool above = false;  ///< a larger rise than 97.5% of patients like this one: flagged
  bool below = false;  ///< a smaller rise than 97.5% of them (or a fall): shown, not flagged
};

struct SessionPrediction {
  std::vector<core::Hours> time;   ///< 0, step, ... horizon after the start
  Band plasma;                     ///< mg/L ketamine
  Band effect_site;                ///< mg/L
  Band cadss;                      ///< expected CADSS total (0-92)
  Band systolic_rise;              ///< mmHg over the pre-dose value
  Band diastolic_rise;             ///< mmHg
  Band heart_rate_rise;            ///< bpm
  core::Hours dose_end{0.0};       ///< end of the infusion (the start for a bolus or injection)
  core::Hours peak_systolic{0.0};  ///< time of the median systolic rise's peak
  double peak_systolic_median = 0.0, peak_systolic_upper95 = 0.0;  ///< mmHg
  core::Hours peak_cadss{0.0};
  double peak_cadss_median = 0.0, peak_cadss_upper95 = 0.0;
  /// When to take vitals: before the dose, 15 min before the predicted systolic peak, at it and
  /// 15 min after, at the end of dosing, then every 30 min to the predicted discharge.
  std::vector<core::Hours> vitals_checks;
  /// The first grid time after the minimum observation at which 95% of patients like this one
  /// have every rise within the discharge bands and CADSS below the model's rating noise
  /// (SD_CADSS): no earlier than dose_end + min_observation. Empty when not reached by the
  /// horizon.
  std::optional<core::Hours> earliest_discharge;
  core::Hours minimum_discharge{0.0};  ///< dose_end + min_observation
  int draws = 0;
  int earlier_doses = 0;
};

/// Predicts the session. Errors: InvalidArgument for a non-positive dose, a non-finite or
/// positive earlier time, draws outside 50..5000 or a grid over 2,000 points; the model's
/// errors (OMEGA not positive definite).
core::Result<SessionPrediction> predict_session(const pd::KetamineModel& model,
                                                const SessionPredictionInput& input);

/// Each recorded change (reading minus the pre-dose reading, at `time` after the start) against
/// the 95% band at the nearest grid time; readings after the horizon are not checked.
std::vector<ReadingCheck> check_readings(
    const SessionPrediction& prediction,
    const std::vector<std::pair<core::Hours, std::pair<std::string, double>>>& changes);

}  // namespace ketapath::estimation
