#pragma once
// Bayesian estimation of one individual's parameters under a population prior, generic over a
// model description: named parameters on a scale where their prior is multivariate normal, a set
// of discrete classes (e.g. responder / non-responder) with prior probabilities, observations
// with their measurement model, and a predict function giving each observation's expected value.
//
// Two methods, the second the check of the first (docs/model.md "Individual estimation"):
//   fit_laplace        MAP per class by NLopt BOBYQA from several starts, the Hessian of the
//                      negative log posterior by central differences, the posterior of each class
//                      approximated by N(MAP, H^-1), and class probabilities from the Laplace
//                      approximation of each class's marginal likelihood.
//   importance_sample  self-normalised importance sampling from a multivariate t (5 degrees of
//                      freedom) around each class's Laplace approximation: weighted draws of the
//                      exact posterior, class probabilities from the sampled marginal likelihoods,
//                      and the effective sample size. Reproducible: draws are keyed by
//                      (seed, class, draw) through core::RandomStream.
//
// Measurement model of an observation with expected value e and noise SD sd:
//   continuous   y ~ N(e, sd)
//   integer      y = round(clamp(e + sd z, min, max)), z ~ N(0, 1): the exact likelihood is
//                P(y - 0.5 < e + sd z < y + 0.5), with the interval open to -inf at `min` and
//                +inf at `max` (a rating at the floor or ceiling of a scale is censored).
//
// Example:
//   estimation::Model m = ...;   // parameters, prior, classes, observations, predict
//   auto laplace = estimation::fit_laplace(m);                       // Result<Posterior>
//   auto is = estimation::importance_sample(m, *laplace, {.draws = 2000, .seed = 1});

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "core/error.h"

namespace ketapath::estimation {

/// One estimated parameter. `theta` is the value on the normal (prior) scale; `natural` maps it to
/// the parameter's own value in `unit` for reports (identity when empty).
struct ParameterSpec {
  std::string name;       ///< "ANX_EC50"
  std::string unit;       ///< unit of the natural value: "ng/mL", "h", "1", "points"
  std::string transform;  ///< "log", "logit" or "additive": how theta acts on the value
  std::function<double(double theta)> natural;
};

/// A discrete class of the model (responder / non-responder) with its prior probability.
struct ClassSpec {
  std::string name;
  double prior = 1.0;
};

/// One observation and its measurement model (see the header comment). With a proportional
/// part the noise SD depends on the expected value e: sd(e) = sqrt(sd^2 + proportional_variance
/// e^2) (NONMEM's combined error; `sd` is then the additive SD and may be 0).
struct Observation {
  double value = 0.0;
  double sd = 1.0;
  double proportional_variance = 0.0;
  bool integer = false;
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
};

/// Fills `expected` (one value per observation, same order) for parameters `theta` (normal scale)
/// in class `cls`. An error aborts the fit with that error.
using PredictFunction = std::function<core::Status(std::span<const double> theta, std::size_t cls,
                                                   std::span<double> expected)>;

struct Model {
  std::vector<ParameterSpec> parameters;
  Eigen::VectorXd prior_mean;        ///< on the normal scale, one per parameter
  Eigen::MatrixXd prior_covariance;  ///< symmetric positive definite
  std::vector<ClassSpec> classes;    ///< at least one; priors > 0, normalised by the fit
  std::vector<Observation> observations;
  PredictFunction predict;
  /// false: maximum likelihood (least squares with a known error model). The prior density leaves
  /// the objective; prior_mean and prior_covariance still place the starts and the search box.
  bool prior_in_objective = true;

  /// InvalidArgument naming the problem (sizes, non-finite values, covariance not SPD, sd <= 0,
  /// class priors not positive).
  [[nodiscard]] core::Status validate() const;
};

/// Log-likelihood of one observation given its expected value (measurement model above).
double log_likelihood(const Observation& observation, double expected);

struct FitOptions {
  /// Starts of the MAP search per class: the prior mean, then the prior mean shifted by
  /// -/+ `start_spread` prior SDs in every parameter, alternating (so 3 starts = mean, -1, +1).
  int starts = 3;
  double start_spread = 1.0;
  /// Search box: prior mean +- this many prior SDs (the prior makes farther values negligible).
  double box_sds = 6.0;
  double xtol = 1e-7;
  int max_evaluations = 2000;
  /// Central-difference step for the Hessian, in prior SDs.
  double hessian_step = 1e-3;
  /// Two starts agree when their objective values differ by less than this.
  double agree_tolerance = 1e-4;
};

/// The Laplace approximation of one class.
struct ClassPosterior {
  Eigen::VectorXd map;            ///< MAP on the normal scale
  Eigen::MatrixXd covariance;     ///< inverse Hessian at the MAP
  double neg_log_posterior = 0;   ///< -log p(y, theta_MAP | class) (prior density included)
  double log_evidence = 0;        ///< Laplace log p(y | class) + log prior(class)
  double probability = 0;         ///< posterior class probability
  int starts_agreeing = 0;        ///< starts that reached the best optimum (within agree_tolerance)
  int evaluations = 0;            ///< objective evaluations used (all starts + Hessian)
  bool hessian_adjusted = false;  ///< the Hessian was not positive definite and was repaired
};

struct Posterior {
  std::vector<ClassPosterior> classes;  ///< same order as Model::classes
  /// Index of the most probable class.
  [[nodiscard]] std::size_t best_class() const;
};

/// MAP per class and the Laplace approximation. Errors: the model's validation, a predict error,
/// Solver when NLopt fails at every start or the objective is not finite at the MAP.
core::Result<Posterior> fit_laplace(const Model& model, const FitOptions& options = {});

/// -log p(y, theta | class), prior density (unless !prior_in_objective) and class prior included;
/// +inf where predict fails.
double negative_log_posterior(const Model& model, std::span<const double> theta, std::size_t cls);

struct SamplingOptions {
  int draws = 1000;  ///< total draws, shared between classes (at least min_class_draws each)
  int min_class_draws = 50;
  std::uint64_t seed = 1;
  double scale = 1.2;          ///< proposal scale multiplier on the Laplace covariance
  int degrees_of_freedom = 5;  ///< of the multivariate t proposal
};

struct WeightedDraw {
  Eigen::VectorXd theta;
  std::size_t cls = 0;
  double weight = 0;  ///< normalised over all draws (sums to 1)
};

struct ImportanceResult {
  std::vector<WeightedDraw> draws;
  std::vector<double> class_probability;    ///< from the sampled marginal likelihoods
  std::vector<Eigen::VectorXd> class_mean;  ///< weighted mean per class (normal scale)
  std::vector<Eigen::MatrixXd> class_covariance;
  double effective_sample_size = 0;  ///< (sum w)^2 / sum w^2 over all draws
};

/// Importance sampling around a Laplace posterior (header comment). Errors as fit_laplace.
core::Result<ImportanceResult> importance_sample(const Model& model, const Posterior& laplace,
                                                 const SamplingOptions& options = {});

/// Deterministic systematic resampling of weighted draws to `count` equally weighted ones
/// (offset u fixed at 0.5: the same weights give the same selection).
std::vector<WeightedDraw> resample(std::span<const WeightedDraw> draws, std::size_t count);

}  // namespace ketapath::estimation
