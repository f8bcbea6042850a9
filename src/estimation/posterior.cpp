// Laplace approximation and importance sampling of an individual posterior (posterior.h).

#include "estimation/posterior.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <numbers>
#include <optional>

#include <nlopt.h>

#include "core/check.h"
#include "core/random.h"

namespace ketapath::estimation {
namespace {

constexpr double kLog2Pi = 1.8378770664093453;  // log(2 pi)

// log(Phi(b) - Phi(a)) for a < b, accurate in both tails.
double log_normal_interval(double a, double b) {
  double p = 0.0;
  if (a > 0.0) {  // both in the upper tail: use upper-tail probabilities
    p = 0.5 * std::erfc(a / std::numbers::sqrt2) - 0.5 * std::erfc(b / std::numbers::sqrt2);
  } else {
    p = 0.5 * std::erfc(-b / std::numbers::sqrt2) - 0.5 * std::erfc(-a / std::numbers::sqrt2);
  }
  if (p > 1e-300) {
    return std::log(p);
  }
  // Far out in a tail: the density at the nearer end times a Mills-ratio bound (continuous and
  // monotone, so the optimiser still sees a slope back towards the data).
  const double x = a > 0.0 ? a : -b;  // distance of the nearer end from 0 (> 0 here)
  return -0.5 * x * x - 0.5 * kLog2Pi - std::log(std::max(x, 1.0));
}

// log N(theta; mean, cov) with a precomputed Cholesky factor.
struct GaussianPrior {
  Eigen::VectorXd mean;
  Eigen::LLT<Eigen::MatrixXd> llt;
  double log_norm = 0.0;  // -d/2 log 2pi - 1/2 log|cov|

  double log_density(std::span<const double> theta) const {
    const auto d = mean.size();
    Eigen::VectorXd r(d);
    for (Eigen::Index i = 0; i < d; ++i) {
      r(i) = theta[static_cast<std::size_t>(i)] - mean(i);
    }
    const Eigen::VectorXd z = llt.matrixL().solve(r);
    return log_norm - 0.5 * z.squaredNorm();
  }
};

GaussianPrior make_prior(const Model& m) {
  GaussianPrior g;
  g.mean = m.prior_mean;
  g.llt.compute(m.prior_covariance);
  const Eigen::MatrixXd l = g.llt.matrixL();
  double log_det = 0.0;
  for (Eigen::Index i = 0; i < l.rows(); ++i) {
    log_det += 2.0 * std::log(l(i, i));
  }
  g.log_norm = -0.5 * static_cast<double>(m.prior_mean.size()) * kLog2Pi - 0.5 * log_det;
  return g;
}

double class_log_prior(const Model& m, std::size_t cls) {
  double total = 0.0;
  for (const ClassSpec& c : m.classes) {
    total += c.prior;
  }
  return std::log(m.classes[cls].prior / total);
}

struct Objective {
  Objective(const Model& m, const GaussianPrior& p, std::size_t c)
      : model(&m), prior(&p), cls(c), expected(m.observations.size()) {}

  const Model* model;
  const GaussianPrior* prior;
  std::size_t cls;
  std::vector<double> expected;
  int evaluations = 0;
  std::optional<core::Error> error;

  // -log p(y, theta | class) (class prior not included).
  double operator()(std::span<const double> theta) {
    ++evaluations;
    const auto status = model->predict(theta, cls, expected);
    if (!status) {
      if (!error) {
        error = status.error();
      }
      return std::numeric_limits<double>::infinity();
    }
    double ll = model->prior_in_objective ? prior->log_density(theta) : 0.0;
    for (std::size_t i = 0; i < expected.size(); ++i) {
      ll += log_likelihood(model->observations[i], expected[i]);
    }
    return std::isfinite(ll) ? -ll : std::numeric_limits<double>::infinity();
  }
};

double nlopt_objective(unsigned n, const double* x, double* /*gradient*/, void* data) {
  auto* objective = static_cast<Objective*>(data);
  const double v = (*objective)(std::span<const double>(x, n));
  return std::isfinite(v) ? v : 1e300;
}

// Symmetric Hessian of f at x by central differences with steps h.
Eigen::MatrixXd hessian(Objective& f, const Eigen::VectorXd& x, const Eigen::VectorXd& h) {
  const auto d = x.size();
  Eigen::MatrixXd out(d, d);
  std::vector<double> p(x.data(), x.data() + d);
  const double f0 = f(p);
  const auto at = [&](Eigen::Index i, double di, Eigen::Index j, double dj) {
    std::vector<double> q = p;
    q[static_cast<std::size_t>(i)] += di;
    q[static_cast<std::size_t>(j)] += dj;
    return f(q);
  };
  for (Eigen::Index i = 0; i < d; ++i) {
    const double fp = at(i, h(i), i, 0.0);
    const double fm = at(i, -h(i), i, 0.0);
    out(i, i) = (fp - 2.0 * f0 + fm) / (h(i) * h(i));
    for (Eigen::Index j = 0; j < i; ++j) {
      const double v = (at(i, h(i), j, h(j)) - at(i, h(i), j, -h(j)) - at(i, -h(i), j, h(j)) +
                        at(i, -h(i), j, -h(j))) /
                       (4.0 * h(i) * h(j));
      out(i, j) = v;
      out(j, i) = v;
    }
  }
  return out;
}

double log_sum_exp(std::span<const double> v) {
  double top = -std::numeric_limits<double>::infinity();
  for (const double x : v) {
    top = std::max(top, x);
  }
  if (!std::isfinite(top)) {
    return top;
  }
  double s = 0.0;
  for (const double x : v) {
    s += std::exp(x - top);
  }
  return top + std::log(s);
}

}  // namespace

core::Status Model::validate() const {
  const auto d = prior_mean.size();
  if (d == 0 || static_cast<std::size_t>(d) != parameters.size()) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "estimation: {} parameters but a prior mean of size {}", parameters.size(),
                      d);
  }
  if (prior_covariance.rows() != d || prior_covariance.cols() != d) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "estimation: prior covariance is {}x{}, expected {}x{}",
                      prior_covariance.rows(), prior_covariance.cols(), d, d);
  }
  if (!prior_mean.allFinite() || !prior_covariance.allFinite() ||
      !prior_covariance.isApprox(prior_covariance.transpose(), 1e-12)) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "estimation: prior mean and covariance must be finite and symmetric");
  }
  if (Eigen::LLT<Eigen::MatrixXd>(prior_covariance).info() != Eigen::Success) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "estimation: prior covariance is not positive definite");
  }
  if (classes.empty()) {
    return core::fail(core::ErrorCode::InvalidArgument, "estimation: the model has no class");
  }
  for (const ClassSpec& c : classes) {
    KETAPATH_TRY(core::check_range(fmt::format("estimation: class {} prior", c.name), c.prior, "",
                                   core::positive(), core::ErrorCode::InvalidArgument));
  }
  for (std::size_t i = 0; i < observations.size(); ++i) {
    const Observation& o = observations[i];
    const bool noise = o.sd > 0.0 || (o.sd == 0.0 && o.proportional_variance > 0.0);
    if (!std::isfinite(o.value) || !noise || !std::isfinite(o.sd) || !(o.min <= o.max) ||
        !(o.proportional_variance >= 0.0) || !std::isfinite(o.proportional_variance)) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "estimation: observation {} needs a finite value, sd > 0 and min <= max "
                        "(got value {}, sd {})",
                        i + 1, o.value, o.sd);
    }
  }
  if (!predict) {
    return core::fail(core::ErrorCode::InvalidArgument, "estimation: no predict function");
  }
  return {};
}

double log_likelihood(const Observation& o, double expected) {
  const double sd = o.proportional_variance > 0.0
                        ? std::sqrt(o.sd * o.sd + o.proportional_variance * expected * expected)
                        : o.sd;
  if (!o.integer) {
    const double z = (o.value - expected) / sd;
    return -0.5 * z * z - 0.5 * kLog2Pi - std::log(sd);
  }
  const double inf = std::numeric_limits<double>::infinity();
  const double lo = o.value - 0.5 <= o.min ? -inf : (o.value - 0.5 - expected) / sd;
  const double hi = o.value + 0.5 >= o.max ? inf : (o.value + 0.5 - expected) / sd;
  return log_normal_interval(lo, hi);
}

std::size_t Posterior::best_class() const {
  std::size_t best = 0;
  for (std::size_t c = 1; c < classes.size(); ++c) {
    if (classes[c].probability > classes[best].probability) {
      best = c;
    }
  }
  return best;
}

double negative_log_posterior(const Model& model, std::span<const double> theta, std::size_t cls) {
  const GaussianPrior prior = make_prior(model);
  Objective f(model, prior, cls);
  return f(theta) - class_log_prior(model, cls);
}

core::Result<Posterior> fit_laplace(const Model& model, const FitOptions& options) {
  KETAPATH_TRY(model.validate());
  const GaussianPrior prior = make_prior(model);
  const auto d = model.prior_mean.size();
  const auto n = static_cast<unsigned>(d);
  const Eigen::VectorXd sd = model.prior_covariance.diagonal().cwiseSqrt();
  Posterior out;
  std::vector<double> log_evidence;
  for (std::size_t cls = 0; cls < model.classes.size(); ++cls) {
    Objective f(model, prior, cls);
    std::vector<double> lower(n);
    std::vector<double> upper(n);
    for (Eigen::Index i = 0; i < d; ++i) {
      lower[static_cast<std::size_t>(i)] = model.prior_mean(i) - options.box_sds * sd(i);
      upper[static_cast<std::size_t>(i)] = model.prior_mean(i) + options.box_sds * sd(i);
    }
    std::vector<std::pair<double, std::vector<double>>> optima;
    for (int s = 0; s < std::max(1, options.starts); ++s) {
      const double shift =
          s == 0 ? 0.0 : (s % 2 == 1 ? -1.0 : 1.0) * ((s + 1) / 2) * options.start_spread;
      std::vector<double> x(n);
      for (Eigen::Index i = 0; i < d; ++i) {
        x[static_cast<std::size_t>(i)] = model.prior_mean(i) + shift * sd(i);
      }
      std::unique_ptr<nlopt_opt_s, decltype(&nlopt_destroy)> opt(nlopt_create(NLOPT_LN_BOBYQA, n),
                                                                 &nlopt_destroy);
      nlopt_set_lower_bounds(opt.get(), lower.data());
      nlopt_set_upper_bounds(opt.get(), upper.data());
      nlopt_set_min_objective(opt.get(), nlopt_objective, &f);
      nlopt_set_xtol_rel(opt.get(), options.xtol);
      nlopt_set_ftol_abs(opt.get(), 1e-10);
      nlopt_set_maxeval(opt.get(), options.max_evaluations);
      std::vector<double> step(n);
      for (Eigen::Index i = 0; i < d; ++i) {
        step[static_cast<std::size_t>(i)] = 0.5 * sd(i);
      }
      nlopt_set_initial_step(opt.get(), step.data());
      double best = 0.0;
      const nlopt_result status = nlopt_optimize(opt.get(), x.data(), &best);
      if (f.error) {
        return std::unexpected(*f.error);
      }
      // NLOPT_ROUNDOFF_LIMITED still leaves the best point found in x.
      if ((status > 0 || status == NLOPT_ROUNDOFF_LIMITED) && std::isfinite(best) && best < 1e299) {
        optima.emplace_back(best, std::move(x));
      }
    }
    if (optima.empty()) {
      return core::fail(core::ErrorCode::Solver,
                        "estimation: the MAP search of class {} failed from every start",
                        model.classes[cls].name);
    }
    std::stable_sort(optima.begin(), optima.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    ClassPosterior cp;
    cp.map = Eigen::Map<const Eigen::VectorXd>(optima.front().second.data(), d);
    cp.neg_log_posterior = optima.front().first - class_log_prior(model, cls);
    for (const auto& o : optima) {
      cp.starts_agreeing += o.first - optima.front().first < options.agree_tolerance ? 1 : 0;
    }
    Eigen::MatrixXd h = hessian(f, cp.map, options.hessian_step * sd);
    if (f.error) {
      return std::unexpected(*f.error);
    }
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(h);
    Eigen::VectorXd values = eig.eigenvalues();
    // The prior alone bounds the curvature from below by the smallest prior precision; a
    // non-positive eigenvalue (a MAP on the search box, or rounding) is replaced by it.
    const double floor =
        1.0 / Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(model.prior_covariance)
                  .eigenvalues()
                  .maxCoeff();
    for (Eigen::Index i = 0; i < d; ++i) {
      if (!(values(i) >= floor * 1e-3) || !std::isfinite(values(i))) {
        values(i) = floor;
        cp.hessian_adjusted = true;
      }
    }
    cp.covariance =
        eig.eigenvectors() * values.cwiseInverse().asDiagonal() * eig.eigenvectors().transpose();
    double log_det_h = 0.0;
    for (Eigen::Index i = 0; i < d; ++i) {
      log_det_h += std::log(values(i));
    }
    cp.log_evidence =
        -cp.neg_log_posterior + 0.5 * static_cast<double>(d) * kLog2Pi - 0.5 * log_det_h;
    cp.evaluations = f.evaluations;
    log_evidence.push_back(cp.log_evidence);
    out.classes.push_back(std::move(cp));
  }
  const double total = log_sum_exp(log_evidence);
  for (ClassPosterior& cp : out.classes) {
    cp.probability = std::exp(cp.log_evidence - total);
  }
  return out;
}

core::Result<ImportanceResult> importance_sample(const Model& model, const Posterior& laplace,
                                                 const SamplingOptions& options) {
  KETAPATH_TRY(model.validate());
  if (laplace.classes.size() != model.classes.size()) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "estimation: the Laplace posterior has {} classes, the model {}",
                      laplace.classes.size(), model.classes.size());
  }
  const GaussianPrior prior = make_prior(model);
  const auto d = model.prior_mean.size();
  const int nu = std::max(1, options.degrees_of_freedom);
  const double dd = static_cast<double>(d);
  // log density constant of the multivariate t (without the scale determinant)
  const double t_const = std::lgamma(0.5 * (nu + dd)) - std::lgamma(0.5 * nu) -
                         0.5 * dd * std::log(static_cast<double>(nu) * std::numbers::pi);
  ImportanceResult out;
  std::vector<double> log_w;  // unnormalised log weights (p(y, theta, c) / q_c(theta) / n_c)
  std::vector<double> class_log_evidence;
  for (std::size_t cls = 0; cls < model.classes.size(); ++cls) {
    const ClassPosterior& cp = laplace.classes[cls];
    const int n_c = std::max(options.min_class_draws,
                             static_cast<int>(std::lround(cp.probability * options.draws)));
    const Eigen::MatrixXd cov = options.scale * options.scale * cp.covariance;
    Eigen::LLT<Eigen::MatrixXd> llt(cov);
    if (llt.info() != Eigen::Success) {
      return core::fail(core::ErrorCode::Solver,
                        "estimation: the proposal covariance of class {} is not positive definite",
                        model.classes[cls].name);
    }
    const Eigen::MatrixXd l = llt.matrixL();
    double log_det = 0.0;
    for (Eigen::Index i = 0; i < d; ++i) {
      log_det += 2.0 * std::log(l(i, i));
    }
    Objective f(model, prior, cls);
    const double log_class_prior = class_log_prior(model, cls);
    std::vector<double> class_log_w;
    core::RandomStream stream(options.seed,
                              {.replicate = 0, .subject = cls, .stream = core::Stream::Estimation});
    const auto per_draw = static_cast<std::uint64_t>(d + nu);
    for (int k = 0; k < n_c; ++k) {
      stream.seek(static_cast<std::uint64_t>(k) * per_draw);
      Eigen::VectorXd z(d);
      for (Eigen::Index i = 0; i < d; ++i) {
        z(i) = stream.normal();
      }
      double chi2 = 0.0;
      for (int i = 0; i < nu; ++i) {
        const double g = stream.normal();
        chi2 += g * g;
      }
      const double scale = std::sqrt(static_cast<double>(nu) / chi2);
      const Eigen::VectorXd theta = cp.map + l * (z * scale);
      const double maha = (z * scale).squaredNorm();
      const double log_q =
          t_const - 0.5 * log_det - 0.5 * (nu + dd) * std::log1p(maha / static_cast<double>(nu));
      const double neg = f(std::span<const double>(theta.data(), static_cast<std::size_t>(d)));
      if (f.error) {
        return std::unexpected(*f.error);
      }
      const double lw = -neg + log_class_prior - log_q - std::log(static_cast<double>(n_c));
      class_log_w.push_back(lw);
      out.draws.push_back({theta, cls, 0.0});
      log_w.push_back(lw);
    }
    class_log_evidence.push_back(log_sum_exp(class_log_w));
  }
  const double total = log_sum_exp(log_w);
  double sum_sq = 0.0;
  for (std::size_t i = 0; i < out.draws.size(); ++i) {
    out.draws[i].weight = std::isfinite(log_w[i]) ? std::exp(log_w[i] - total) : 0.0;
    sum_sq += out.draws[i].weight * out.draws[i].weight;
  }
  out.effective_sample_size = sum_sq > 0.0 ? 1.0 / sum_sq : 0.0;
  const double evidence_total = log_sum_exp(class_log_evidence);
  for (std::size_t cls = 0; cls < model.classes.size(); ++cls) {
    out.class_probability.push_back(std::exp(class_log_evidence[cls] - evidence_total));
    Eigen::VectorXd mean = Eigen::VectorXd::Zero(d);
    double w_total = 0.0;
    for (const WeightedDraw& w : out.draws) {
      if (w.cls == cls) {
        mean += w.weight * w.theta;
        w_total += w.weight;
      }
    }
    Eigen::MatrixXd cov = Eigen::MatrixXd::Zero(d, d);
    if (w_total > 0.0) {
      mean /= w_total;
      for (const WeightedDraw& w : out.draws) {
        if (w.cls == cls) {
          const Eigen::VectorXd r = w.theta - mean;
          cov += (w.weight / w_total) * r * r.transpose();
        }
      }
    }
    out.class_mean.push_back(mean);
    out.class_covariance.push_back(cov);
  }
  return out;
}

std::vector<WeightedDraw> resample(std::span<const WeightedDraw> draws, std::size_t count) {
  std::vector<WeightedDraw> out;
  if (draws.empty() || count == 0) {
    return out;
  }
  double total = 0.0;
  for (const WeightedDraw& w : draws) {
    total += w.weight;
  }
  out.reserve(count);
  double cumulative = draws[0].weight / total;
  std::size_t i = 0;
  for (std::size_t k = 0; k < count; ++k) {
    const double u = (static_cast<double>(k) + 0.5) / static_cast<double>(count);
    while (cumulative < u && i + 1 < draws.size()) {
      ++i;
      cumulative += draws[i].weight / total;
    }
    WeightedDraw w = draws[i];
    w.weight = 1.0 / static_cast<double>(count);
    out.push_back(std::move(w));
  }
  return out;
}

}  // namespace ketapath::estimation
