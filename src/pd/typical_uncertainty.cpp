#include "pd/typical_uncertainty.h"

#include <cmath>
#include <set>

namespace ketapath::pd {

core::Status validate(const TypicalUncertainty& u, const KetamineParameters& typical) {
  const auto n = static_cast<Eigen::Index>(u.parameters.size());
  if (n == 0) {
    return core::fail(core::ErrorCode::InvalidArgument, "uncertainty: no parameters");
  }
  if (u.log_covariance.rows() != n || u.log_covariance.cols() != n) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "uncertainty: log_covariance is {}x{} but {} parameters are named",
                      u.log_covariance.rows(), u.log_covariance.cols(), n);
  }
  std::set<ParameterId> seen;
  for (const ParameterId id : u.parameters) {
    if (!seen.insert(id).second) {
      return core::fail(core::ErrorCode::InvalidArgument, "uncertainty: {} is named twice",
                        parameter_info(id).name);
    }
    if (!(get_parameter(typical, id) > 0.0)) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "uncertainty: {} is {} at its typical value; log-scale uncertainty needs "
                        "a positive value",
                        parameter_info(id).name, get_parameter(typical, id));
    }
  }
  const Eigen::MatrixXd& c = u.log_covariance;
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < n; ++j) {
      if (!std::isfinite(c(i, j))) {
        return core::fail(core::ErrorCode::InvalidArgument,
                          "uncertainty: log_covariance[{}][{}] is not finite", i + 1, j + 1);
      }
      const double scale = std::max(std::abs(c(i, j)), std::abs(c(j, i)));
      if (std::abs(c(i, j) - c(j, i)) > 1e-12 * std::max(scale, 1e-300)) {
        return core::fail(core::ErrorCode::InvalidArgument,
                          "uncertainty: log_covariance is not symmetric ([{0}][{1}] = {2} but "
                          "[{1}][{0}] = {3})",
                          i + 1, j + 1, c(i, j), c(j, i));
      }
    }
  }
  if (Eigen::LLT<Eigen::MatrixXd>(c).info() != Eigen::Success) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "uncertainty: log_covariance is not positive definite");
  }
  return {};
}

core::Result<TypicalSampler> TypicalSampler::create(const KetamineModel& model) {
  if (!model.uncertainty) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "model {} has no [uncertainty] section: its typical values carry no "
                      "uncertainty to propagate (docs/model.md)",
                      model.name);
  }
  KETAPATH_TRY(validate(*model.uncertainty, model.typical));
  TypicalSampler sampler;
  sampler.model_name_ = model.name;
  sampler.typical_ = model.typical;
  sampler.uncertainty_ = *model.uncertainty;
  sampler.lower_ = Eigen::LLT<Eigen::MatrixXd>(sampler.uncertainty_.log_covariance).matrixL();
  return sampler;
}

core::Result<KetamineParameters> TypicalSampler::draw(core::RandomStream& stream) const {
  const auto n = static_cast<Eigen::Index>(uncertainty_.parameters.size());
  Eigen::VectorXd z(n);
  for (int attempt = 0; attempt < kMaxTypicalRedraws; ++attempt) {
    for (Eigen::Index i = 0; i < n; ++i) {
      z(i) = stream.normal();
    }
    const Eigen::VectorXd shift = lower_ * z;
    KetamineParameters p = typical_;
    for (Eigen::Index i = 0; i < n; ++i) {
      const ParameterId id = uncertainty_.parameters[static_cast<std::size_t>(i)];
      set_parameter(p, id, get_parameter(typical_, id) * std::exp(shift(i)));
    }
    if (validate(p)) {
      return p;
    }
  }
  return core::fail(core::ErrorCode::Solver,
                    "model {}: {} draws of the typical values from [uncertainty] all fell outside "
                    "the parameters' allowed range",
                    model_name_, kMaxTypicalRedraws);
}

core::Result<KetamineParameters> draw_typical(const KetamineModel& model,
                                              core::RandomStream& stream) {
  const TypicalSampler sampler = KETAPATH_TRY(TypicalSampler::create(model));
  return sampler.draw(stream);
}

}  // namespace ketapath::pd
