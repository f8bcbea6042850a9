// The rating-scale registry (data).

#include "pd/scales.h"

#include <string>

#include "core/text.h"

namespace ketapath::pd {
namespace {

// HAM-A 14 items 0-4; FQ total phobia 15 items 0-8; GAD-7 7 items 0-3; LSAS 24 x (0-3 + 0-3);
// CADSS 23 items 0-4; PHQ-9 9 items 0-3 (reference section 7). LOINC total-score codes per
// clinic-practice.md section 2.3 (HAM-A has none; FQ, LSAS and CADSS were not verified, so local
// codes are used by exporters). Recall periods: GAD-7 and PHQ-9 ask about the last two weeks,
// LSAS about the past week; HAM-A is rated as the patient is now (the clinic's acute instrument),
// FQ and CADSS describe the present state.
constexpr std::array<ScaleDefinition, kScaleCount> kScales{{
    {Scale::HamA, "ham_a", "ham-a", "HAM-A", 14, 0, 4, 56, "", 0,
     ScaleModel{.from_reduction = true, .sensitivity = "SENS_HAMA", .noise_sd = "SD_HAMA"}},
    {Scale::Fq, "fq", "fq", "FQ", 15, 0, 8, 120, "", 0,
     ScaleModel{.from_reduction = true, .sensitivity = "SENS_FQ", .noise_sd = "SD_FQ"}},
    {Scale::Gad7, "gad7", "gad-7", "GAD-7", 7, 0, 3, 21, "70274-6", 14,
     ScaleModel{.from_reduction = true, .sensitivity = "SENS_GAD7", .noise_sd = "SD_GAD7"}},
    {Scale::Lsas, "lsas", "lsas", "LSAS", 48, 0, 3, 144, "", 7,
     ScaleModel{.from_reduction = true, .sensitivity = "SENS_LSAS", .noise_sd = "SD_LSAS"}},
    {Scale::Cadss, "cadss", "cadss", "CADSS", 23, 0, 4, 92, "", 0,
     ScaleModel{.from_reduction = false, .sensitivity = "", .noise_sd = "SD_CADSS"}},
    {Scale::Phq9, "phq9", "phq-9", "PHQ-9", 9, 0, 3, 27, "44261-6", 14, std::nullopt},
}};

constexpr bool registry_in_enum_order() {
  for (std::size_t i = 0; i < kScales.size(); ++i) {
    if (static_cast<std::size_t>(kScales[i].scale) != i) {
      return false;
    }
  }
  return true;
}

static_assert(registry_in_enum_order(), "kScales is indexed by Scale");

}  // namespace

std::span<const ScaleDefinition, kScaleCount> scale_definitions() {
  return kScales;
}

const ScaleDefinition& scale_definition(Scale scale) {
  return kScales[static_cast<std::size_t>(scale)];
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
  for (const ScaleDefinition& d : kScales) {
    if (key == d.name || key == d.record_name) {
      return d.scale;
    }
    accepted += accepted.empty() ? "" : ", ";
    accepted += d.record_name;
  }
  return core::fail(core::ErrorCode::InvalidArgument, "scale: \"{}\" is not one of {}", text,
                    accepted);
}

bool is_modelled_anxiety_scale(Scale scale) {
  const auto& model = scale_definition(scale).model;
  return model && model->from_reduction;
}

}  // namespace ketapath::pd
