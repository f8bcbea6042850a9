// Rating scales in the model: ranges, sensitivities, noise and the placebo share of a scale's
// definition (pd/scales.h; model files give them, the clinic's six are built in).

#include "pd/rating_scales.h"

#include <algorithm>
#include <cmath>

namespace ketapath::pd {
namespace {

double value_of(const KetamineParameters& p, const ScaleValue& v) {
  return v.parameter ? get_parameter(p, *v.parameter) : v.value;
}

}  // namespace

ScaleRange scale_range(const ScaleDefinition& d) {
  return {static_cast<double>(d.total_min), static_cast<double>(d.total_max)};
}

ScaleRange scale_range(Scale scale) {
  return scale_range(scale_definition(scale));
}

double scale_sensitivity(const KetamineParameters& p, const ScaleDefinition& d) {
  return d.model ? value_of(p, d.model->sensitivity) : 1.0;
}

double scale_sensitivity(const KetamineParameters& p, Scale scale) {
  return scale_sensitivity(p, scale_definition(scale));
}

double scale_noise_sd(const KetamineParameters& p, const ScaleDefinition& d) {
  return d.model ? value_of(p, d.model->noise_sd) : 0.0;
}

double scale_noise_sd(const KetamineParameters& p, Scale scale) {
  return scale_noise_sd(p, scale_definition(scale));
}

double scale_reduction(const ScaleDefinition& d, double drug, double placebo, double total) {
  const double m = d.model ? d.model->placebo : 1.0;
  if (m == 1.0) {
    return total;
  }
  return 1.0 - (1.0 - drug) * (1.0 - std::min(1.0, m * placebo));
}

double clamp_to_scale(const ScaleDefinition& d, double value) {
  const ScaleRange range = scale_range(d);
  return std::clamp(value, range.min, range.max);
}

double clamp_to_scale(Scale scale, double value) {
  return clamp_to_scale(scale_definition(scale), value);
}

double expected_score(const KetamineParameters& p, const ScaleDefinition& d, double baseline,
                      double reduction) {
  const double fraction = std::clamp(scale_sensitivity(p, d) * reduction, 0.0, 1.0);
  return clamp_to_scale(d, baseline * (1.0 - fraction));
}

double expected_score(const KetamineParameters& p, Scale scale, double baseline, double reduction) {
  return expected_score(p, scale_definition(scale), baseline, reduction);
}

double observed_score(const KetamineParameters& p, const ScaleDefinition& d, double expected,
                      double z) {
  const double value = clamp_to_scale(d, expected + scale_noise_sd(p, d) * z);
  return d.continuous ? value : std::round(value);
}

double observed_score(const KetamineParameters& p, Scale scale, double expected, double z) {
  return observed_score(p, scale_definition(scale), expected, z);
}

core::MilligramsPerLitre observed_concentration(const KetamineParameters& p,
                                                core::MilligramsPerLitre c, double z) {
  return core::MilligramsPerLitre(std::max(0.0, c.value() * (1.0 + p.ruv_prop * z)));
}

}  // namespace ketapath::pd
