#include "clinic/domain/scales.h"

namespace ketapath::clinic {

core::Result<int> score_items(Scale scale, const std::vector<int>& items) {
  const ScaleDefinition& d = scale_definition(scale);
  if (items.size() != static_cast<std::size_t>(d.items)) {
    return core::fail(core::ErrorCode::Validation,
                      "{}: needs all {} item answers, partial forms are not scored (got {} items)",
                      d.label, d.items, items.size());
  }
  int total = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i] < d.item_min || items[i] > d.item_max) {
      return core::fail(core::ErrorCode::Validation, "{}: item {} must be {}-{} (got {})", d.label,
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
