// Rating scales in the model: ranges, sensitivities and noise from the registry (pd/scales.h).

#include "pd/rating_scales.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace ketapath::pd {
namespace {

// The registry's model mapping, its parameter names resolved once.
struct ResolvedModel {
  std::optional<ParameterId> sensitivity;  ///< nullopt: 1
  std::optional<ParameterId> noise_sd;     ///< nullopt: 0
};

std::optional<ParameterId> resolve(std::string_view name) {
  if (name.empty()) {
    return std::nullopt;
  }
  const auto id = find_parameter(name);
  KETAPATH_ASSERT(id.has_value(), "the scale registry names a model parameter that exists");
  return id;
}

const std::array<ResolvedModel, kScaleCount>& resolved_models() {
  static const std::array<ResolvedModel, kScaleCount> table = [] {
    std::array<ResolvedModel, kScaleCount> out{};
    for (const ScaleDefinition& d : scale_definitions()) {
      if (d.model) {
        out[static_cast<std::size_t>(d.scale)] = {resolve(d.model->sensitivity),
                                                  resolve(d.model->noise_sd)};
      }
    }
    return out;
  }();
  return table;
}

}  // namespace

ScaleRange scale_range(Scale scale) {
  const ScaleDefinition& d = scale_definition(scale);
  return {static_cast<double>(d.items * d.item_min), static_cast<double>(d.total_max)};
}

double scale_sensitivity(const KetamineParameters& p, Scale scale) {
  const auto& id = resolved_models()[static_cast<std::size_t>(scale)].sensitivity;
  return id ? get_parameter(p, *id) : 1.0;
}

double scale_noise_sd(const KetamineParameters& p, Scale scale) {
  const auto& id = resolved_models()[static_cast<std::size_t>(scale)].noise_sd;
  return id ? get_parameter(p, *id) : 0.0;
}

double clamp_to_scale(Scale scale, double value) {
  const ScaleRange range = scale_range(scale);
  return std::clamp(value, range.min, range.max);
}

double expected_score(const KetamineParameters& p, Scale scale, double baseline, double reduction) {
  const double fraction = std::clamp(scale_sensitivity(p, scale) * reduction, 0.0, 1.0);
  return clamp_to_scale(scale, baseline * (1.0 - fraction));
}

double observed_score(const KetamineParameters& p, Scale scale, double expected, double z) {
  return std::round(clamp_to_scale(scale, expected + scale_noise_sd(p, scale) * z));
}

core::MilligramsPerLitre observed_concentration(const KetamineParameters& p,
                                                core::MilligramsPerLitre c, double z) {
  return core::MilligramsPerLitre(std::max(0.0, c.value() * (1.0 + p.ruv_prop * z)));
}

}  // namespace ketapath::pd
