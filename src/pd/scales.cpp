// The built-in definitions of the clinic's six scales (equal to models/ketamine.toml's
// [[scales]], tested) and the parsers.

#include "pd/scales.h"

#include <array>
#include <string>

#include "core/text.h"
#include "pd/ketamine_model.h"

namespace ketapath::pd {
namespace {

ScaleModel anxiety(ParameterId sensitivity, ParameterId noise_sd) {
  return ScaleModel{.from_reduction = true,
                    .sensitivity = {sensitivity, 0.0},
                    .noise_sd = {noise_sd, 0.0},
                    .placebo = 1.0,
                    .baseline = std::nullopt};
}

ScaleDefinition scale(Scale s, std::string_view name, std::string_view record,
                      std::string_view label, Rater rater, std::array<int, 3> items,
                      std::string_view loinc, int recall_days, std::optional<ScaleModel> model) {
  return ScaleDefinition{.scale = s,
                         .name = std::string(name),
                         .record_name = std::string(record),
                         .label = std::string(label),
                         .rater = rater,
                         .continuous = false,
                         .items = items[0],
                         .item_min = items[1],
                         .item_max = items[2],
                         .total_min = items[0] * items[1],
                         .total_max = items[0] * items[2],
                         .loinc_total = std::string(loinc),
                         .recall_days = recall_days,
                         .model = std::move(model)};
}

// HAM-A 14 items 0-4; FQ total phobia 15 items 0-8; GAD-7 7 items 0-3; LSAS 24 x (0-3 + 0-3);
// CADSS 23 items 0-4; PHQ-9 9 items 0-3 (reference section 7). LOINC total-score codes per
// clinic-practice.md section 2.3 (HAM-A has none; FQ, LSAS and CADSS were not verified, so local
// codes are used by exporters). Recall periods: GAD-7 and PHQ-9 ask about the last two weeks,
// LSAS about the past week; HAM-A is rated as the patient is now (the clinic's acute instrument),
// FQ and CADSS describe the present state. The model numbers are the model file's parameters.
const std::array<ScaleDefinition, kScaleCount>& builtin() {
  using P = ParameterId;
  static const std::array<ScaleDefinition, kScaleCount> table{{
      scale(Scale::HamA, "ham_a", "ham-a", "HAM-A", Rater::Clinician, {14, 0, 4}, "", 0,
            anxiety(P::SENS_HAMA, P::SD_HAMA)),
      scale(Scale::Fq, "fq", "fq", "FQ", Rater::Self, {15, 0, 8}, "", 0,
            anxiety(P::SENS_FQ, P::SD_FQ)),
      scale(Scale::Gad7, "gad7", "gad-7", "GAD-7", Rater::Self, {7, 0, 3}, "70274-6", 14,
            anxiety(P::SENS_GAD7, P::SD_GAD7)),
      scale(Scale::Lsas, "lsas", "lsas", "LSAS", Rater::Clinician, {48, 0, 3}, "", 7,
            anxiety(P::SENS_LSAS, P::SD_LSAS)),
      scale(Scale::Cadss, "cadss", "cadss", "CADSS", Rater::Clinician, {23, 0, 4}, "", 0,
            ScaleModel{.from_reduction = false,
                       .sensitivity = {std::nullopt, 1.0},
                       .noise_sd = {P::SD_CADSS, 0.0},
                       .placebo = 1.0,
                       .baseline = std::nullopt}),
      scale(Scale::Phq9, "phq9", "phq-9", "PHQ-9", Rater::Self, {9, 0, 3}, "44261-6", 14,
            std::nullopt),
  }};
  return table;
}

}  // namespace

std::string_view rater_name(Rater rater) {
  return rater == Rater::Self ? "self" : "clinician";
}

std::span<const ScaleDefinition, kScaleCount> scale_definitions() {
  return builtin();
}

const ScaleDefinition& scale_definition(Scale scale) {
  KETAPATH_ASSERT(is_builtin_scale(scale), "scale_definition: one of the clinic's six scales");
  return builtin()[static_cast<std::size_t>(scale)];
}

std::string_view scale_name(Scale scale) {
  return scale_definition(scale).name;
}

std::string_view scale_label(Scale scale) {
  return scale_definition(scale).label;
}

std::string_view scale_record_name(Scale scale) {
  return scale_definition(scale).record_name;
}

core::Result<Scale> parse_scale(std::string_view text) {
  const std::string key = core::ascii_lower(text);
  std::string accepted;
  for (const ScaleDefinition& d : builtin()) {
    if (key == d.name || key == d.record_name) {
      return d.scale;
    }
    accepted += accepted.empty() ? "" : ", ";
    accepted += d.record_name;
  }
  return core::fail(core::ErrorCode::InvalidArgument, "scale: \"{}\" is not one of {}", text,
                    accepted);
}

core::Result<const ScaleDefinition*> find_scale(std::span<const ScaleDefinition> scales,
                                                std::string_view text) {
  const std::string key = core::ascii_lower(text);
  std::string accepted;
  for (const ScaleDefinition& d : scales) {
    if (key == d.name || key == d.record_name || key == core::ascii_lower(d.label)) {
      return &d;
    }
    accepted += accepted.empty() ? "" : ", ";
    accepted += d.name;
  }
  return core::fail(core::ErrorCode::InvalidArgument, "scale: \"{}\" is not one of {}", text,
                    accepted);
}

bool is_modelled_anxiety_scale(const ScaleDefinition& scale) {
  return scale.model && scale.model->from_reduction;
}

bool is_modelled_anxiety_scale(Scale scale) {
  return is_builtin_scale(scale) && is_modelled_anxiety_scale(scale_definition(scale));
}

}  // namespace ketapath::pd
