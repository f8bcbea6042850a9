#pragma once
// Rating scales: what a scale is (items or continuous, range, rater, recall period, LOINC code,
// names) and how the model rates it (from its anxiolysis with a sensitivity, test-retest noise,
// its own share of the placebo response; or the model's CADSS). Scales are data of the model
// file (models/ketamine.toml, [[scales]]; io/model_file.h reads them into
// KetamineModel::scales), so a new scale needs no code.
//
// Identities: the clinic's six scales (HAM-A, FQ, GAD-7, LSAS, CADSS, PHQ-9) are the named values
// of pd::Scale; stored ratings, severity bands, remission cut-offs and the PHQ-9 item-9 alert
// refer to them. Their built-in definitions (scale_definitions()) equal the bundled model file
// (tested) and a model file may not change them (the reader refuses it), so the clinic, the
// individual estimation and trials rate them alike. Any further scale of a model file (a
// visual-analogue scale, ...) gets the next value from kScaleCount on, in file order; a trial
// design rates any scale its model defines.
//
// Example:
//   const pd::ScaleDefinition& d = pd::scale_definition(pd::Scale::Gad7);  // 7 items 0-3, 0-21
//   auto s = pd::parse_scale("GAD-7");  // Scale::Gad7; "gad7" and "gad-7" too
//   auto v = pd::find_scale(model.scales, "vas_anxiety");  // a model file's own scale

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/error.h"

namespace ketapath::pd {

enum class ParameterId : std::uint8_t;  // pd/ketamine_model.h

/// The named values are fixed: the trial's noise slots are keyed by them
/// (trial/subject_outcome.cpp). A model file's further scales take the values from kScaleCount
/// on (its [[scales]] order).
enum class Scale : std::uint8_t {
  HamA,   ///< Hamilton Anxiety, 14 items 0-4, total 0-56 (clinician)
  Fq,     ///< Fear Questionnaire total phobia scale, 15 items 0-8, total 0-120
  Gad7,   ///< GAD-7, 7 items 0-3, total 0-21 (self-report)
  Lsas,   ///< Liebowitz Social Anxiety, 24 situations x (fear, avoidance) 0-3 = 48 items, 0-144
  Cadss,  ///< Clinician-Administered Dissociative States Scale, 23 items 0-4, total 0-92
  Phq9,   ///< PHQ-9 depression, 9 items 0-3, total 0-27 (clinic only: no model mapping)
};
inline constexpr std::size_t kScaleCount = 6;
/// At most this many scales in one model file (the built-in six included).
inline constexpr std::size_t kMaxModelScales = 32;

/// Who rates the scale. Self-rated scales carry a larger placebo response in the model file
/// (ScaleModel::placebo).
enum class Rater : std::uint8_t { Clinician, Self };
std::string_view rater_name(Rater rater);  ///< "clinician", "self"

/// A value the model uses for a scale: a model parameter (its typical or individual value, so
/// variability and presets act on it) or a fixed number.
struct ScaleValue {
  std::optional<ParameterId> parameter;  ///< set: the parameter's value
  double value = 0.0;                    ///< otherwise this
  bool operator==(const ScaleValue&) const = default;
};

/// Untreated score of a virtual patient on a model file's own scale: a normal truncated to
/// [min, max] (the clinic's anxiety scales take theirs from population::PopulationSpec).
struct ScaleBaseline {
  double mean = 0.0;
  double sd = 1.0;
  double min = 0.0;
  double max = 0.0;
  bool operator==(const ScaleBaseline&) const = default;
};

/// How the model produces a score on a scale.
struct ScaleModel {
  /// true: baseline * (1 - min(1, sensitivity * reduction)) from the model's anxiolysis (an
  /// anxiety scale a design may rate); false: the model's own output (CADSS).
  bool from_reduction = true;
  ScaleValue sensitivity{std::nullopt, 1.0};  ///< of the reduction; 1 for CADSS
  ScaleValue noise_sd{std::nullopt, 0.0};     ///< test-retest (measurement) noise, points
  /// Multiplier of the session placebo (expectancy) response on this scale: reduction =
  /// 1 - (1 - R)(1 - min(1, placebo x P)). 1 = the model's placebo response.
  double placebo = 1.0;
  std::optional<ScaleBaseline> baseline;  ///< required for a model file's own anxiety scale
  bool operator==(const ScaleModel&) const = default;
};

struct ScaleDefinition {
  Scale scale = Scale::HamA;  ///< identity (the clinic's six, or kScaleCount + file position)
  std::string name;           ///< "ham_a": design files and trial output
  std::string record_name;    ///< "ham-a": clinic records (JSON, DB): the label in lower case
  std::string label;          ///< "HAM-A": the published abbreviation, for people
  Rater rater = Rater::Clinician;
  /// true: a continuous score (a visual-analogue line), not rounded; items = 0.
  bool continuous = false;
  int items = 0;
  int item_min = 0;
  int item_max = 0;
  int total_min = 0;        ///< the total runs from this (items * item_min) ...
  int total_max = 0;        ///< ... to this
  std::string loinc_total;  ///< "" when no LOINC code exists (or none was verified)
  /// Days the questions look back over (GAD-7, PHQ-9: 14; LSAS: 7); 0 = rated as the patient is
  /// now.
  int recall_days = 0;
  std::optional<ScaleModel> model;  ///< nullopt: the model does not predict this scale
  bool operator==(const ScaleDefinition&) const = default;
};

/// The clinic's six scales, in enum order: the built-in definitions (equal to the bundled model
/// file's, tested), which a model file without `base` starts from and may not change.
std::span<const ScaleDefinition, kScaleCount> scale_definitions();
/// The built-in definition of one of the clinic's six scales (asserts scale < kScaleCount).
const ScaleDefinition& scale_definition(Scale scale);

/// True for the clinic's six scales (values below kScaleCount).
constexpr bool is_builtin_scale(Scale scale) {
  return static_cast<std::size_t>(scale) < kScaleCount;
}

/// "ham_a", "fq", "gad7", "lsas", "cadss", "phq9" (design files, trial output).
std::string_view scale_name(Scale scale);
/// "HAM-A", "FQ", "GAD-7", "LSAS", "CADSS", "PHQ-9".
std::string_view scale_label(Scale scale);
/// "ham-a", "fq", "gad-7", "lsas", "cadss", "phq-9" (clinic records).
std::string_view scale_record_name(Scale scale);

/// The one parser of the clinic's scales: a scale's name, record name or label, case ignored
/// ("gad7", "gad-7", "GAD-7"). InvalidArgument names the accepted values:
///   scale: "madrs" is not one of ham-a, fq, gad-7, lsas, cadss, phq-9
core::Result<Scale> parse_scale(std::string_view text);

/// The same over a model's scales (KetamineModel::scales): the definition whose name, record
/// name or label is `text`, case ignored. InvalidArgument names the accepted names.
core::Result<const ScaleDefinition*> find_scale(std::span<const ScaleDefinition> scales,
                                                std::string_view text);

/// True for a scale the model rates from its anxiolysis (a design's anxiety scale): HAM-A, FQ,
/// GAD-7, LSAS and a model file's own anxiety scales.
bool is_modelled_anxiety_scale(const ScaleDefinition& scale);
bool is_modelled_anxiety_scale(Scale scale);  ///< of the built-in six

}  // namespace ketapath::pd
