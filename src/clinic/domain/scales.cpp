#include "clinic/domain/scales.h"

#include <array>

namespace ketapath::clinic {
namespace {

// LOINC total-score codes per clinic-practice.md section 2.3 (HAM-A has none; FQ, LSAS and CADSS
// were not verified, so local codes are used by exporters). Recall periods: GAD-7 and PHQ-9 ask
// about the last two weeks, LSAS about the past week; HAM-A is rated as the patient is now (the
// clinic's acute instrument), FQ and CADSS describe the present state.
constexpr std::array<ScaleDefinition, 6> kScales{{
    {Scale::HamA, "HAM-A", 14, 0, 4, 56, "", 0},
    {Scale::Gad7, "GAD-7", 7, 0, 3, 21, "70274-6", 14},
    {Scale::Fq, "FQ", 15, 0, 8, 120, "", 0},
    {Scale::Lsas, "LSAS", 48, 0, 3, 144, "", 7},
    {Scale::Phq9, "PHQ-9", 9, 0, 3, 27, "44261-6", 14},
    {Scale::Cadss, "CADSS", 23, 0, 4, 92, "", 0},
}};

}  // namespace

const ScaleDefinition& scale_definition(Scale scale) {
  for (const auto& d : kScales) {
    if (d.scale == scale) {
      return d;
    }
  }
  KETAPATH_ASSERT(false, "every Scale has a definition");
  return kScales[0];
}

core::Result<int> score_items(Scale scale, const std::vector<int>& items) {
  const ScaleDefinition& d = scale_definition(scale);
  if (items.size() != static_cast<std::size_t>(d.items)) {
    return core::fail(core::ErrorCode::Validation,
                      "{}: needs all {} item answers, partial forms are not scored (got {} items)",
                      d.name, d.items, items.size());
  }
  int total = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i] < d.item_min || items[i] > d.item_max) {
      return core::fail(core::ErrorCode::Validation, "{}: item {} must be {}-{} (got {})", d.name,
                        i + 1, d.item_min, d.item_max, items[i]);
    }
    total += items[i];
  }
  return total;
}

std::string_view severity_band(Scale scale, int total) {
  switch (scale) {
    case Scale::HamA:  // Matza et al. 2010
      return total <= 7    ? "none/minimal"
             : total <= 14 ? "mild"
             : total <= 23 ? "moderate"
                           : "severe";
    case Scale::Gad7:  // Spitzer et al. 2006
      return total <= 4 ? "minimal" : total <= 9 ? "mild" : total <= 14 ? "moderate" : "severe";
    case Scale::Phq9:  // Kroenke et al. 2001
      return total <= 4    ? "minimal"
             : total <= 9  ? "mild"
             : total <= 14 ? "moderate"
             : total <= 19 ? "moderately severe"
                           : "severe";
    case Scale::Lsas:  // common bands (clinic-practice.md section 7)
      return total < 30    ? "below threshold"
             : total < 55  ? "mild"
             : total < 65  ? "moderate"
             : total < 80  ? "marked"
             : total <= 95 ? "severe"
                           : "very severe";
    case Scale::Fq:
    case Scale::Cadss:
      return "";  // no validated bands
  }
  return "";
}

}  // namespace ketapath::clinic
