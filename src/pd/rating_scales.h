#pragma once
// Rating scales: from the model's fractional reduction to a score on a clinical scale, with
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

namespace ketapath::pd {

enum class Scale : std::uint8_t {
  HamA,   ///< Hamilton Anxiety Rating Scale, 0..56
  Fq,     ///< Fear Questionnaire total phobia, 0..120
  Gad7,   ///< GAD-7, 0..21
  Lsas,   ///< Liebowitz Social Anxiety Scale, 0..144
  Cadss,  ///< Clinician-Administered Dissociative States Scale (23 items), 0..92
};

struct ScaleRange {
  double min = 0.0;
  double max = 0.0;
};

ScaleRange scale_range(Scale scale);
/// "ham_a", "fq", "gad7", "lsas", "cadss".
std::string_view scale_name(Scale scale);
/// The published abbreviation for people: "HAM-A", "FQ", "GAD-7", "LSAS", "CADSS".
std::string_view scale_label(Scale scale);
std::optional<Scale> parse_scale(std::string_view name);

/// Sensitivity of an anxiety scale to the model's reduction (SENS_*); 1 for CADSS.
double scale_sensitivity(const KetamineParameters& p, Scale scale);
/// Measurement noise SD in points (SD_*).
double scale_noise_sd(const KetamineParameters& p, Scale scale);

/// Noise-free score after a fractional reduction (0..1) from `baseline`, clamped to the range.
double expected_score(const KetamineParameters& p, Scale scale, double baseline, double reduction);

/// A rating: expected + SD * z, clamped to the range, rounded to whole points.
double observed_score(const KetamineParameters& p, Scale scale, double expected, double z);

/// Clamps to the scale's range (used for CADSS from TimeCourse::cadss as well).
double clamp_to_scale(Scale scale, double value);

/// A measured concentration with proportional residual error: c * (1 + RUV_PROP * z), >= 0.
core::MilligramsPerLitre observed_concentration(const KetamineParameters& p,
                                                core::MilligramsPerLitre c, double z);

}  // namespace ketapath::pd
