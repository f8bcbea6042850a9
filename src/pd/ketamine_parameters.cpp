// Parameter table, validation, variability (OMEGA) and individualisation of the ketamine model.

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

#include "core/check.h"
#include "pd/ketamine_model.h"

namespace ketapath::pd {
namespace {

constexpr double raw(double x) {
  return x;
}

template <class Tag>
constexpr double raw(core::Quantity<Tag> q) {
  return q.value();
}

template <class T>
void assign(T& member, double value) {
  member = T(value);
}

constexpr std::array<ParameterInfo, static_cast<std::size_t>(ParameterId::V3) + 1> kTable{{
#define KETAPATH_PARAMETER_INFO(name, unit, member) {ParameterId::name, #name, unit},
    KETAPATH_KETAMINE_PARAMETERS(KETAPATH_PARAMETER_INFO)
#undef KETAPATH_PARAMETER_INFO
}};

bool is_fraction_parameter(ParameterId id) {
  switch (id) {
    case ParameterId::FM:
    case ParameterId::F_SC:
    case ParameterId::F_IM:
    case ParameterId::F_IN:
    case ParameterId::F_PO:
    case ParameterId::F_SL:
    case ParameterId::FPNK_SC:
    case ParameterId::FPNK_IM:
    case ParameterId::FPNK_IN:
    case ParameterId::FPNK_PO:
    case ParameterId::FPNK_SL:
    case ParameterId::TOL_FLOOR:
    case ParameterId::ANX_EMAX:
    case ParameterId::PLACEBO_MAX:
    case ParameterId::NONRESP_FRACTION:
    case ParameterId::NONRESP_FACTOR:
      return true;
    default:
      return false;
  }
}

// Parameters that may be zero (effects that can be switched off); everything else must be > 0.
bool may_be_zero(ParameterId id) {
  switch (id) {
    case ParameterId::CL_FEMALE:
    case ParameterId::CL_AGE:
    case ParameterId::SBP_AGE:
    case ParameterId::CADSS_EMAX:
    case ParameterId::SBP_EMAX:
    case ParameterId::DBP_EMAX:
    case ParameterId::HR_EMAX:
    case ParameterId::SENS_HAMA:
    case ParameterId::SENS_FQ:
    case ParameterId::SENS_GAD7:
    case ParameterId::SENS_LSAS:
    case ParameterId::SD_HAMA:
    case ParameterId::SD_FQ:
    case ParameterId::SD_GAD7:
    case ParameterId::SD_LSAS:
    case ParameterId::SD_CADSS:
    case ParameterId::RUV_PROP:
    case ParameterId::ALLO_CL:
    case ParameterId::ALLO_V:
    case ParameterId::Q3:
      return true;
    default:
      return false;
  }
}

}  // namespace

const Absorption& KetamineParameters::absorption(Route route) const {
  switch (route) {
    case Route::Sc:
      return sc;
    case Route::Im:
      return im;
    case Route::In:
      return in;
    case Route::Po:
      return po;
    case Route::Sl:
      return sl;
    case Route::Iv:
      break;
  }
  static const Absorption kIntravenous{1.0, core::PerHour(0.0), 0.0};
  return kIntravenous;
}

Absorption& KetamineParameters::absorption(Route route) {
  KETAPATH_ASSERT(route != Route::Iv, "intravenous doses have no absorption depot");
  return const_cast<Absorption&>(std::as_const(*this).absorption(route));
}

std::span<const ParameterInfo> parameter_table() {
  return kTable;
}

bool is_fraction(ParameterId id) {
  return is_fraction_parameter(id);
}

std::optional<ParameterId> find_parameter(std::string_view name) {
  for (const auto& info : kTable) {
    if (info.name == name) {
      return info.id;
    }
  }
  return std::nullopt;
}

const ParameterInfo& parameter_info(ParameterId id) {
  return kTable[static_cast<std::size_t>(id)];
}

double get_parameter(const KetamineParameters& p, ParameterId id) {
  switch (id) {
#define KETAPATH_PARAMETER_GET(name, unit, member) \
  case ParameterId::name:                          \
    return raw(p.member);
    KETAPATH_KETAMINE_PARAMETERS(KETAPATH_PARAMETER_GET)
#undef KETAPATH_PARAMETER_GET
  }
  KETAPATH_ASSERT(false, "unknown parameter id");
  return 0.0;
}

void set_parameter(KetamineParameters& p, ParameterId id, double value) {
  switch (id) {
#define KETAPATH_PARAMETER_SET(name, unit, member) \
  case ParameterId::name:                          \
    assign(p.member, value);                       \
    return;
    KETAPATH_KETAMINE_PARAMETERS(KETAPATH_PARAMETER_SET)
#undef KETAPATH_PARAMETER_SET
  }
  KETAPATH_ASSERT(false, "unknown parameter id");
}

namespace {

// Bioavailabilities (0, 1]; other fractions [0, 1] (0: an effect switched off); parameters that
// may be zero >= 0; everything else > 0.
core::Range valid_range(const ParameterInfo& info) {
  if (is_fraction_parameter(info.id)) {
    return info.name.starts_with("F_") ? core::Range{.low = 0.0, .high = 1.0, .low_open = true}
                                       : core::fraction();
  }
  return may_be_zero(info.id) ? core::non_negative() : core::positive();
}

}  // namespace

core::Status validate(const KetamineParameters& p) {
  for (const auto& info : kTable) {
    const double v = get_parameter(p, info.id);
    if (const core::Range range = valid_range(info); !range.contains(v)) {
      return core::check_range(fmt::format("ketamine model: parameter {}", info.name), v, info.unit,
                               range, core::ErrorCode::InvalidArgument);
    }
  }
  return {};
}

double eta_sd(const EtaSpec& eta, double typical_value) {
  switch (eta.transform) {
    case EtaTransform::LogNormal:
      return std::sqrt(std::log1p(eta.cv * eta.cv));
    case EtaTransform::LogitNormal:
      return eta.cv / (1.0 - std::min(typical_value, 1.0 - 1e-9));
    case EtaTransform::Additive:
      return eta.cv;
  }
  return 0.0;
}

core::Result<Eigen::MatrixXd> build_omega(const KetamineParameters& typical,
                                          std::span<const EtaSpec> etas,
                                          std::span<const EtaCorrelation> correlations) {
  const auto n = static_cast<Eigen::Index>(etas.size());
  Eigen::VectorXd sd(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto& eta = etas[static_cast<std::size_t>(i)];
    KETAPATH_TRY(core::check_range(
        fmt::format("ketamine model: variability of {}", parameter_info(eta.parameter).name),
        eta.cv, "", core::non_negative(), core::ErrorCode::InvalidArgument));
    sd(i) = eta_sd(eta, get_parameter(typical, eta.parameter));
  }
  Eigen::MatrixXd correlation = Eigen::MatrixXd::Identity(n, n);
  for (const auto& c : correlations) {
    if (c.first >= etas.size() || c.second >= etas.size() || c.first == c.second) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "ketamine model: correlation between etas {} and {} is not between two "
                        "different etas of the model",
                        c.first, c.second);
    }
    if (!(std::abs(c.r) < 1.0)) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "ketamine model: correlation of {} and {} must lie in (-1, 1) (got {})",
                        parameter_info(etas[c.first].parameter).name,
                        parameter_info(etas[c.second].parameter).name, c.r);
    }
    const auto a = static_cast<Eigen::Index>(c.first);
    const auto b = static_cast<Eigen::Index>(c.second);
    correlation(a, b) = c.r;
    correlation(b, a) = c.r;
  }
  Eigen::MatrixXd omega = sd.asDiagonal() * correlation * sd.asDiagonal();
  if (n > 0) {
    Eigen::LLT<Eigen::MatrixXd> llt(correlation);
    if (llt.info() != Eigen::Success) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "ketamine model: the correlations of the etas do not form a positive "
                        "definite matrix");
    }
  }
  return omega;
}

KetamineModel default_ketamine_model() {
  KetamineModel model;
  model.name = "builtin";
  model.description = "Built-in typical values (reference section 8), no variability";
  model.omega = Eigen::MatrixXd(0, 0);
  return model;
}

KetamineParameters individualize(const KetamineModel& model, const SubjectCovariates& covariates,
                                 std::span<const double> etas, bool nonresponder) {
  return individualize(model, model.typical, covariates, etas, nonresponder);
}

KetamineParameters individualize(const KetamineModel& model, const KetamineParameters& typical,
                                 const SubjectCovariates& covariates, std::span<const double> etas,
                                 bool nonresponder) {
  KetamineParameters p = typical;
  // Allometry (Anderson & Holford): clearances ^0.75, volumes ^1 of weight / 70 kg.
  const double w = covariates.weight / p.reference_weight;
  const double fcl = std::pow(w, p.allometric_cl);
  const double fv = std::pow(w, p.allometric_v);
  p.cl = p.cl * fcl;
  p.q = p.q * fcl;
  p.cl_nk = p.cl_nk * fcl;
  p.q3 = p.q3 * fcl;
  p.v3 = p.v3 * fv;
  p.v1 = p.v1 * fv;
  p.v2 = p.v2 * fv;
  p.v_nk = p.v_nk * fv;
  // Women clear ~CL_FEMALE more than men (Sigtermans 2009); the typical CL is a 50:50 mix, so
  // each sex is scaled about that average.
  const double mix = 1.0 + 0.5 * p.cl_female;
  if (covariates.sex == Sex::Female) {
    p.cl = p.cl * ((1.0 + p.cl_female) / mix);
  } else if (covariates.sex == Sex::Male) {
    p.cl = p.cl * (1.0 / mix);
  }
  if (covariates.age_years > 60.0) {
    p.cl = p.cl * std::max(0.2, 1.0 - p.cl_age * (covariates.age_years - 60.0));
  }
  double bp = 1.0;
  if (covariates.hypertension) {
    bp *= p.sbp_hypertension;
  }
  if (covariates.age_years > 40.0) {
    bp *= 1.0 + p.sbp_age * (covariates.age_years - 40.0);
  }
  p.sbp_emax *= bp;
  p.dbp_emax *= bp;

  KETAPATH_ASSERT(etas.empty() || etas.size() == model.etas.size(),
                  "one eta per model eta, or none");
  for (std::size_t i = 0; i < etas.size(); ++i) {
    const EtaSpec& spec = model.etas[i];
    const double v = get_parameter(p, spec.parameter);
    double out = v;
    switch (spec.transform) {
      case EtaTransform::LogNormal:
        out = v * std::exp(etas[i]);
        break;
      case EtaTransform::LogitNormal: {
        const double clamped = std::clamp(v, 1e-12, 1.0 - 1e-12);
        const double logit = std::log(clamped / (1.0 - clamped)) + etas[i];
        out = 1.0 / (1.0 + std::exp(-logit));
        break;
      }
      case EtaTransform::Additive:
        out = v + etas[i];
        break;
    }
    set_parameter(p, spec.parameter, out);
  }
  if (nonresponder) {
    p.anx_emax *= p.nonresponder_factor;
    p.s_kon = p.s_kon * p.nonresponder_factor;
  }
  return p;
}

}  // namespace ketapath::pd
