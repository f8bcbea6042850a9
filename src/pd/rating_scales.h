#pragma once
// Rating scales in the model (the scales themselves are the registry in pd/scales.h): from the
// model's fractional reduction to a score on a clinical scale, with
// measurement noise, clamped to the scale's range and rounded to whole points (scales are sums of
// integer items).
//
//   expected = baseline * (1 - min(1, sensitivity * reduction))
//   observed = round(clamp(expected + sd * z, min, max)),  z ~ N(0, 1) supplied by the caller
//
// Example:
//   double e = pd::expected_score(p, pd::Scale::HamA, 25.0, course.total_reduction[i]);
//   double o = pd::observed_score(p, pd::Scale::HamA, e, stream.normal());

#include <optional>
#include <string_view>

#include "pd/ketamine_model.h"
#include "pd/scales.h"

namespace ketapath::pd {

struct ScaleRange {
  double min = 0.0;
  double max = 0.0;
};

/// The total's range (pd/scales.h).
ScaleRange scale_range(const ScaleDefinition& scale);
/// Of one of the clinic's six scales (the built-in definitions; likewise below).
ScaleRange scale_range(Scale scale);

/// Sensitivity of an anxiety scale to the model's reduction (its SENS_* parameter or number); 1
/// for CADSS and for a scale the model does not predict.
double scale_sensitivity(const KetamineParameters& p, const ScaleDefinition& scale);
double scale_sensitivity(const KetamineParameters& p, Scale scale);
/// Measurement noise SD in points (its SD_* parameter or number; 0 for a scale the model does
/// not predict).
double scale_noise_sd(const KetamineParameters& p, const ScaleDefinition& scale);
double scale_noise_sd(const KetamineParameters& p, Scale scale);

/// The reduction a scale sees at one time: the model's total reduction when the scale's placebo
/// multiplier is 1 (`total`, bit for bit), else 1 - (1 - drug)(1 - min(1, placebo x P)).
double scale_reduction(const ScaleDefinition& scale, double drug, double placebo, double total);

/// Noise-free score after a fractional reduction (0..1) from `baseline`, clamped to the range.
double expected_score(const KetamineParameters& p, const ScaleDefinition& scale, double baseline,
                      double reduction);
double expected_score(const KetamineParameters& p, Scale scale, double baseline, double reduction);

/// A rating: expected + SD * z, clamped to the range, rounded to whole points (a continuous
/// scale is not rounded).
double observed_score(const KetamineParameters& p, const ScaleDefinition& scale, double expected,
                      double z);
double observed_score(const KetamineParameters& p, Scale scale, double expected, double z);

/// Clamps to the scale's range (used for CADSS from TimeCourse::cadss as well).
double clamp_to_scale(const ScaleDefinition& scale, double value);
double clamp_to_scale(Scale scale, double value);

/// A measured concentration with proportional residual error: c * (1 + RUV_PROP * z), >= 0.
core::MilligramsPerLitre observed_concentration(const KetamineParameters& p,
                                                core::MilligramsPerLitre c, double z);

}  // namespace ketapath::pd
