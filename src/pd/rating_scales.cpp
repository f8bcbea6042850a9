// Rating scales: ranges, sensitivities and noise.

#include "pd/rating_scales.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace ketapath::pd {
namespace {

constexpr std::array<std::string_view, 5> kNames{"ham_a", "fq", "gad7", "lsas", "cadss"};
// The scales' published abbreviations, for people (tables, figures, reports).
constexpr std::array<std::string_view, 5> kLabels{"HAM-A", "FQ", "GAD-7", "LSAS", "CADSS"};
// HAM-A 14 items 0-4; FQ total phobia 15 items 0-8; GAD-7 7 items 0-3; LSAS 24 x (0-3 + 0-3);
// CADSS 23 items 0-4 (reference section 7).
constexpr std::array<ScaleRange, 5> kRanges{
    {{0.0, 56.0}, {0.0, 120.0}, {0.0, 21.0}, {0.0, 144.0}, {0.0, 92.0}}};

}  // namespace

ScaleRange scale_range(Scale scale) {
  return kRanges[static_cast<std::size_t>(scale)];
}

std::string_view scale_name(Scale scale) {
  return kNames[static_cast<std::size_t>(scale)];
}

std::string_view scale_label(Scale scale) {
  return kLabels[static_cast<std::size_t>(scale)];
}

std::optional<Scale> parse_scale(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) {
      return static_cast<Scale>(i);
    }
  }
  return std::nullopt;
}

double scale_sensitivity(const KetamineParameters& p, Scale scale) {
  switch (scale) {
    case Scale::HamA:
      return p.sens_ham_a;
    case Scale::Fq:
      return p.sens_fq;
    case Scale::Gad7:
      return p.sens_gad7;
    case Scale::Lsas:
      return p.sens_lsas;
    case Scale::Cadss:
      return 1.0;
  }
  return 1.0;
}

double scale_noise_sd(const KetamineParameters& p, Scale scale) {
  switch (scale) {
    case Scale::HamA:
      return p.sd_ham_a;
    case Scale::Fq:
      return p.sd_fq;
    case Scale::Gad7:
      return p.sd_gad7;
    case Scale::Lsas:
      return p.sd_lsas;
    case Scale::Cadss:
      return p.sd_cadss;
  }
  return 0.0;
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
