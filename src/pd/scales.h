#pragma once
// Rating scales: the one registry, read by the model (pd/rating_scales.h maps the model's
// reduction to a score), trial designs (io) and the clinic (item-level ratings, validation,
// recall-period flags, LOINC codes). Each entry is plain data (items, ranges, recall period, LOINC
// code where one exists, names, and the model mapping where one exists: PHQ-9 has none), shaped so
// that a later issue can read it from the model file.
//
// Example:
//   const pd::ScaleDefinition& d = pd::scale_definition(pd::Scale::Gad7);  // 7 items 0-3, 0-21
//   auto s = pd::parse_scale("GAD-7");  // Scale::Gad7; "gad7" and "gad-7" too

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/error.h"

namespace ketapath::pd {

/// The values are fixed: the trial's noise slots are keyed by them (trial/subject_outcome.cpp).
enum class Scale : std::uint8_t {
  HamA,   ///< Hamilton Anxiety, 14 items 0-4, total 0-56 (clinician)
  Fq,     ///< Fear Questionnaire total phobia scale, 15 items 0-8, total 0-120
  Gad7,   ///< GAD-7, 7 items 0-3, total 0-21 (self-report)
  Lsas,   ///< Liebowitz Social Anxiety, 24 situations x (fear, avoidance) 0-3 = 48 items, 0-144
  Cadss,  ///< Clinician-Administered Dissociative States Scale, 23 items 0-4, total 0-92
  Phq9,   ///< PHQ-9 depression, 9 items 0-3, total 0-27 (clinic only: no model mapping)
};
inline constexpr std::size_t kScaleCount = 6;

/// How the model produces a score on a scale. Parameters are named as in the model file.
struct ScaleModel {
  /// true: baseline * (1 - SENS * reduction) from the model's anxiolysis (an anxiety scale a
  /// design may rate); false: the model's own output (CADSS).
  bool from_reduction = true;
  std::string_view sensitivity;  ///< "SENS_HAMA"; empty = 1
  std::string_view noise_sd;     ///< "SD_HAMA": measurement noise in points
};

struct ScaleDefinition {
  Scale scale;
  std::string_view name;         ///< "ham_a": design files and trial output
  std::string_view record_name;  ///< "ham-a": clinic records (JSON, DB): the label in lower case
  std::string_view label;        ///< "HAM-A": the published abbreviation, for people
  int items;
  int item_min;
  int item_max;
  int total_max;                 ///< the total runs from items * item_min (0) to this
  std::string_view loinc_total;  ///< "" when no LOINC code exists (or none was verified)
  /// Days the questions look back over (GAD-7, PHQ-9: 14; LSAS: 7); 0 = rated as the patient is
  /// now.
  int recall_days;
  std::optional<ScaleModel> model;  ///< nullopt: the model does not predict this scale
};

/// Every scale, in enum order.
std::span<const ScaleDefinition, kScaleCount> scale_definitions();
const ScaleDefinition& scale_definition(Scale scale);

/// "ham_a", "fq", "gad7", "lsas", "cadss", "phq9" (design files, trial output).
std::string_view scale_name(Scale scale);
/// "HAM-A", "FQ", "GAD-7", "LSAS", "CADSS", "PHQ-9".
std::string_view scale_label(Scale scale);
/// "ham-a", "fq", "gad-7", "lsas", "cadss", "phq-9" (clinic records).
std::string_view scale_record_name(Scale scale);

/// The one parser: a scale's name, record name or label, case ignored ("gad7", "gad-7", "GAD-7").
/// InvalidArgument names the accepted values:
///   scale: "madrs" is not one of ham-a, fq, gad-7, lsas, cadss, phq-9
core::Result<Scale> parse_scale(std::string_view text);

/// True for a scale the model rates from its anxiolysis (a design's anxiety scale): HAM-A, FQ,
/// GAD-7, LSAS.
bool is_modelled_anxiety_scale(Scale scale);

}  // namespace ketapath::pd
