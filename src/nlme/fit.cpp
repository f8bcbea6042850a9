#include "nlme/fit.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "nlme/omega.h"
#include "nlme/parallel.h"

namespace ketapath::nlme {
namespace {

std::vector<std::size_t> dv_rows(std::span<const Row> rows) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].has_dv) {
      out.push_back(i);
    }
  }
  return out;
}

/// The reported parameters for `eta`: the subject's own where its data shape them, else the
/// model's.
core::Result<std::vector<double>> parameters_at(const PopulationModel& model,
                                                SubjectModel& subject, std::span<const double> eta) {
  std::vector<double> own = KETAPATH_TRY(subject.individual_parameters(eta));
  if (!own.empty())
    return own;
  return model.individual_parameters(eta);
}

/// Relative SE of each reported parameter: sqrt(g' C g) / P with g its central-difference
/// gradient in ETA.
core::Result<std::vector<double>> relative_se(const PopulationModel& model, SubjectModel& subject,
                                              const SubjectFit& fit) {
  const std::size_t n = fit.eta.size();
  std::vector<double> rse(fit.parameters.size(), 0.0);
  Eigen::MatrixXd g(static_cast<Eigen::Index>(fit.parameters.size()), static_cast<Eigen::Index>(n));
  const double h = 1e-6;
  for (std::size_t k = 0; k < n; ++k) {
    std::vector<double> up = fit.eta;
    std::vector<double> down = fit.eta;
    up[k] += h;
    down[k] -= h;
    const std::vector<double> pu = KETAPATH_TRY(parameters_at(model, subject, up));
    const std::vector<double> pd = KETAPATH_TRY(parameters_at(model, subject, down));
    for (std::size_t p = 0; p < rse.size(); ++p) {
      g(static_cast<Eigen::Index>(p), static_cast<Eigen::Index>(k)) = (pu[p] - pd[p]) / (2.0 * h);
    }
  }
  const Eigen::MatrixXd var = g * fit.covariance * g.transpose();
  for (std::size_t p = 0; p < rse.size(); ++p) {
    const auto i = static_cast<Eigen::Index>(p);
    rse[p] = std::sqrt(std::max(var(i, i), 0.0)) / std::abs(fit.parameters[p]);
  }
  return rse;
}

core::Status predictions(const PopulationModel& model, SubjectModel& subject, SubjectFit& fit) {
  const std::span<const Row> rows = subject.rows();
  std::vector<double> ipred(rows.size());
  std::vector<double> pred(rows.size());
  KETAPATH_TRY(subject.predict(fit.eta, ipred));
  KETAPATH_TRY(subject.predict(std::vector<double>(fit.eta.size(), 0.0), pred));
  for (const std::size_t i : dv_rows(rows)) {
    fit.observations.push_back({.time = rows[i].time,
                                .record_index = rows[i].record_index,
                                .dv = rows[i].dv,
                                .ipred = ipred[i],
                                .pred = pred[i],
                                .iwres = (rows[i].dv - ipred[i]) / model.sigma().sd(ipred[i])});
  }
  return {};
}

std::vector<double> shrinkage(const PopulationModel& model, std::span<const SubjectFit> fits) {
  const std::size_t n = model.etas().size();
  std::vector<double> out(n, 0.0);
  if (fits.size() < 2) {
    return out;
  }
  for (std::size_t k = 0; k < n; ++k) {
    double mean = 0.0;
    for (const SubjectFit& f : fits) {
      mean += f.eta[k];
    }
    mean /= static_cast<double>(fits.size());
    double ss = 0.0;
    for (const SubjectFit& f : fits) {
      ss += (f.eta[k] - mean) * (f.eta[k] - mean);
    }
    const double sd = std::sqrt(ss / static_cast<double>(fits.size() - 1));
    const auto kk = static_cast<Eigen::Index>(k);
    out[k] = 1.0 - sd / std::sqrt(model.omega()(kk, kk));
  }
  return out;
}

}  // namespace

estimation::Model estimation_model(const PopulationModel& model, SubjectModel& subject,
                                   FitMethod method) {
  estimation::Model m;
  const std::span<const std::string> etas = model.etas();
  for (const std::string& name : etas) {
    m.parameters.push_back(
        {.name = "ETA(" + name + ")", .unit = "1", .transform = "additive", .natural = {}});
  }
  m.prior_mean = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(etas.size()));
  m.prior_covariance = model.omega();
  m.classes = {{.name = "all", .prior = 1.0}};
  m.prior_in_objective = method == FitMethod::Map;
  const std::vector<std::size_t> observed = dv_rows(subject.rows());
  for (const std::size_t i : observed) {
    m.observations.push_back({.value = subject.rows()[i].dv,
                              .sd = std::sqrt(model.sigma().additive_variance),
                              .proportional_variance = model.sigma().proportional_variance});
  }
  m.predict = [&subject, observed, all = std::vector<double>(subject.rows().size())](
                  std::span<const double> eta, std::size_t,
                  std::span<double> expected) mutable -> core::Status {
    KETAPATH_TRY(subject.predict(eta, all));
    for (std::size_t j = 0; j < observed.size(); ++j) {
      expected[j] = all[observed[j]];
    }
    return core::Status{};
  };
  return m;
}

core::Result<SubjectFit> fit_subject(const PopulationModel& model, SubjectModel& subject,
                                     const FitOptions& options) {
  const estimation::Model m = estimation_model(model, subject, options.method);
  estimation::FitOptions search = options.search;
  if (options.method == FitMethod::LeastSquares) {
    search.box_sds = std::max(search.box_sds, 10.0);
  }
  SubjectFit fit;
  const std::size_t n = model.etas().size();
  if (m.observations.empty()) {  // MAP without data: the prior's mode and spread
    fit.eta.assign(n, 0.0);
    fit.covariance = model.omega();
  } else {
    const estimation::Posterior post = KETAPATH_TRY(estimation::fit_laplace(m, search));
    const estimation::ClassPosterior& c = post.classes.front();
    fit.eta.assign(c.map.data(), c.map.data() + c.map.size());
    fit.covariance = c.covariance;
    fit.objective = 2.0 * c.neg_log_posterior;
    fit.starts_agreeing = c.starts_agreeing;
    fit.evaluations = c.evaluations;
    fit.hessian_adjusted = c.hessian_adjusted;
  }
  for (std::size_t k = 0; k < n; ++k) {
    const auto kk = static_cast<Eigen::Index>(k);
    fit.se_eta.push_back(std::sqrt(fit.covariance(kk, kk)));
    const double edge = search.box_sds * std::sqrt(model.omega()(kk, kk));
    fit.on_bound = fit.on_bound || std::abs(fit.eta[k]) > edge * (1.0 - 1e-6);
  }
  fit.parameters = KETAPATH_TRY(parameters_at(model, subject, fit.eta));
  fit.rse = KETAPATH_TRY(relative_se(model, subject, fit));
  KETAPATH_TRY(predictions(model, subject, fit));
  return fit;
}

core::Result<FitResult> fit(const PopulationModel& model, const FitInput& input,
                            const FitOptions& options) {
  KETAPATH_TRY(check_omega(model.etas(), model.omega()));
  KETAPATH_TRY(check_sigma(model.sigma()));
  if (model.sigma().none()) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "fit: SIGMA is zero (prop = 0 and add = 0); a fit needs a residual error");
  }
  if (model.etas().empty()) {
    return core::fail(core::ErrorCode::InvalidArgument, "fit: the model {} has no ETA to estimate",
                      model.name());
  }
  const std::size_t count = input.subjects.size();
  FitResult result;
  result.subjects.resize(count);
  std::vector<std::optional<core::Error>> errors(count);
  for_each_index(count, options.threads, [&](std::size_t s) {
    const std::span<const double> dv =
        s < input.dv.size() ? std::span<const double>(input.dv[s]) : std::span<const double>();
    auto status = [&]() -> core::Status {
      const auto bound = KETAPATH_TRY(model.bind(input.subjects[s], dv, {}));
      if (options.method == FitMethod::LeastSquares && dv_rows(bound->rows()).empty()) {
        return core::fail(core::ErrorCode::InvalidData,
                          "fit: ID {} has no DV to fit (least squares needs observations)",
                          input.subjects[s].id);
      }
      result.subjects[s] = KETAPATH_TRY(fit_subject(model, *bound, options));
      result.subjects[s].subject = s;
      return {};
    }();
    if (!status) {
      errors[s] = status.error();
    }
  });
  for (const auto& e : errors) {
    if (e) {
      return std::unexpected(*e);
    }
  }
  result.shrinkage = shrinkage(model, result.subjects);
  return result;
}

}  // namespace ketapath::nlme
