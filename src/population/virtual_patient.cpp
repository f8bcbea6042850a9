// Virtual patients: covariates, diagnosis, baselines, correlated BSV and responder class, each
// drawn from a fixed slot of a keyed Philox stream.

#include "population/virtual_patient.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/check.h"
#include "core/random.h"
#include "pd/rating_scales.h"

namespace ketapath::population {
namespace {

core::Status check_distribution(const TruncatedNormal& d, std::string_view name) {
  if (!(d.sd > 0.0) || !std::isfinite(d.mean) || !(d.min < d.max)) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "population: {} needs sd > 0 and min < max (got mean {}, sd {}, min {}, "
                      "max {})",
                      name, d.mean, d.sd, d.min, d.max);
  }
  const double mass =
      core::normal_cdf((d.max - d.mean) / d.sd) - core::normal_cdf((d.min - d.mean) / d.sd);
  if (!(mass > 1e-9)) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "population: {} has (almost) no probability in [{}, {}] (got mean {}, sd {})",
                      name, d.min, d.max, d.mean, d.sd);
  }
  return {};
}

core::Status check_fraction(double v, std::string_view name) {
  return core::check_range(fmt::format("population: {}", name), v, "", core::fraction(),
                           core::ErrorCode::InvalidArgument);
}

// The distribution truncated further from below (entry criterion: score > threshold).
TruncatedNormal above(TruncatedNormal d, double threshold) {
  d.min = std::max(d.min, threshold);
  return d;
}

// The screening score's marginal (baseline plus test-retest noise of SD `noise`) above entry.
TruncatedNormal screening_above(const TruncatedNormal& baseline, double noise, double threshold) {
  TruncatedNormal s = above(baseline, threshold);
  s.sd = std::hypot(baseline.sd, noise);
  return s;
}

// The untreated baseline given its screening score (PopulationSpec: B | S).
double baseline_given_screening(const TruncatedNormal& baseline, double noise, double screening,
                                double u) {
  const double total = baseline.sd * baseline.sd + noise * noise;
  const double k = baseline.sd * baseline.sd / total;
  return sample_truncated_normal({.mean = baseline.mean + k * (screening - baseline.mean),
                                  .sd = baseline.sd * noise / std::sqrt(total),
                                  .min = baseline.min,
                                  .max = baseline.max},
                                 u);
}

// Per-subject draws of the typical values must practically never exhaust their redraws: the
// first 200 attempts of a fixed stream must accept at least 5% (then a subject's 1,000 attempts
// all failing has probability below 1e-22).
core::Status check_uncertainty_draws(const pd::TypicalSampler& sampler,
                                     const pd::KetamineModel& model) {
  constexpr int kTries = 200;
  int accepted = 0;
  for (int i = 0; i < kTries; ++i) {
    core::RandomStream stream(0, {.replicate = 0,
                                  .subject = static_cast<std::uint64_t>(i),
                                  .stream = core::Stream::Uncertainty});
    if (auto typical = sampler.draw(stream); !typical) {
      return std::unexpected(typical.error());
    }
    accepted += stream.position() == sampler.uncertainty().parameters.size() ? 1 : 0;
  }
  if (accepted * 20 < kTries) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "model {}: [uncertainty] puts {} of {} draws outside the parameters' allowed "
                      "range; its covariance is too wide to sample",
                      model.name, kTries - accepted, kTries);
  }
  return {};
}

}  // namespace

core::Status PopulationSpec::validate() const {
  KETAPATH_TRY(check_distribution(weight_kg, "weight_kg"));
  KETAPATH_TRY(core::check_range("population: weight_kg minimum", weight_kg.min, "kg",
                                 core::positive(), core::ErrorCode::InvalidArgument));
  KETAPATH_TRY(check_distribution(age_years, "age_years"));
  KETAPATH_TRY(check_fraction(female_fraction, "female_fraction"));
  KETAPATH_TRY(check_fraction(hypertension_fraction, "hypertension_fraction"));
  KETAPATH_TRY(check_fraction(p_gad_only, "p_gad_only"));
  KETAPATH_TRY(check_fraction(p_sad_only, "p_sad_only"));
  KETAPATH_TRY(check_fraction(p_both, "p_both"));
  const double total = p_gad_only + p_sad_only + p_both;
  if (std::abs(total - 1.0) > 1e-9) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "population: diagnosis fractions p_gad_only + p_sad_only + p_both must sum "
                      "to 1 (got {})",
                      total);
  }
  KETAPATH_TRY(check_distribution(fq, "fq"));
  KETAPATH_TRY(check_distribution(gad7, "gad7"));
  KETAPATH_TRY(check_distribution(ham_a, "ham_a"));
  KETAPATH_TRY(check_distribution(lsas, "lsas"));
  if (p_gad_only + p_both > 0.0) {
    KETAPATH_TRY(check_distribution(above(ham_a, ham_a_entry), "ham_a above the entry criterion"));
  }
  if (p_sad_only + p_both > 0.0) {
    KETAPATH_TRY(check_distribution(above(lsas, lsas_entry), "lsas above the entry criterion"));
  }
  return {};
}

double sample_truncated_normal(const TruncatedNormal& d, double u) {
  return TruncatedSampler(d).sample(u);
}

TruncatedSampler::TruncatedSampler(const TruncatedNormal& d)
    : d_(d),
      lo_(core::normal_cdf((d.min - d.mean) / d.sd)),
      hi_(core::normal_cdf((d.max - d.mean) / d.sd)) {}

double TruncatedSampler::sample(double u) const {
  // Inverse CDF restricted to [F(min), F(max)]: exact, one uniform, no rejection loop (so the
  // draw count per patient is fixed).
  const double p = std::clamp(lo_ + u * (hi_ - lo_), 1e-300, 1.0 - 1e-16);
  return std::clamp(d_.mean + d_.sd * core::normal_quantile(p), d_.min, d_.max);
}

PatientGenerator::PatientGenerator(pd::KetamineModel model, PopulationSpec spec,
                                   Eigen::MatrixXd cholesky, GeneratorOptions options)
    : model_(std::move(model)),
      options_(options),
      spec_(spec),
      cholesky_(std::move(cholesky)),
      weight_(spec.weight_kg),
      age_(spec.age_years),
      ham_a_(spec.ham_a),
      ham_a_entry_(above(spec.ham_a, spec.ham_a_entry)),
      fq_(spec.fq),
      gad7_(spec.gad7),
      lsas_(spec.lsas),
      lsas_entry_(above(spec.lsas, spec.lsas_entry)),
      ham_a_noise_(pd::scale_noise_sd(model_.typical, pd::Scale::HamA)),
      lsas_noise_(pd::scale_noise_sd(model_.typical, pd::Scale::Lsas)),
      ham_a_screening_(screening_above(spec.ham_a, ham_a_noise_, spec.ham_a_entry)),
      lsas_screening_(screening_above(spec.lsas, lsas_noise_, spec.lsas_entry)) {}

core::Result<PatientGenerator> PatientGenerator::create(pd::KetamineModel model,
                                                        PopulationSpec spec,
                                                        GeneratorOptions options) {
  KETAPATH_TRY(spec.validate());
  std::optional<pd::TypicalSampler> sampler;
  if (options.typical_per_subject) {
    sampler = KETAPATH_TRY(pd::TypicalSampler::create(model));
    KETAPATH_TRY(check_uncertainty_draws(*sampler, model));
  }
  const auto n = static_cast<Eigen::Index>(model.etas.size());
  if (model.omega.rows() != n || model.omega.cols() != n) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "population: model {} has {} etas but OMEGA is {}x{}", model.name, n,
                      model.omega.rows(), model.omega.cols());
  }
  Eigen::MatrixXd lower = Eigen::MatrixXd::Zero(n, n);
  if (n > 0) {
    if (!model.omega.isApprox(model.omega.transpose(), 1e-12)) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "population: OMEGA of model {} is not symmetric", model.name);
    }
    // Etas with zero variance are allowed (CV 0): factor only the others.
    std::vector<Eigen::Index> active;
    for (Eigen::Index i = 0; i < n; ++i) {
      if (model.omega(i, i) > 0.0) {
        active.push_back(i);
      }
    }
    const auto k = static_cast<Eigen::Index>(active.size());
    Eigen::MatrixXd sub(k, k);
    for (Eigen::Index i = 0; i < k; ++i) {
      for (Eigen::Index j = 0; j < k; ++j) {
        sub(i, j) = model.omega(active[i], active[j]);
      }
    }
    Eigen::LLT<Eigen::MatrixXd> llt(sub);
    if (k > 0 && llt.info() != Eigen::Success) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "population: OMEGA of model {} is not positive definite", model.name);
    }
    const Eigen::MatrixXd l = k > 0 ? Eigen::MatrixXd(llt.matrixL()) : Eigen::MatrixXd(0, 0);
    for (Eigen::Index i = 0; i < k; ++i) {
      for (Eigen::Index j = 0; j < k; ++j) {
        lower(active[i], active[j]) = l(i, j);
      }
    }
  }
  PatientGenerator generator(std::move(model), spec, std::move(lower), options);
  generator.typical_sampler_ = std::move(sampler);
  return generator;
}

std::vector<double> PatientGenerator::draw_etas(std::uint64_t seed, std::uint64_t replicate,
                                                std::uint64_t subject) const {
  const auto n = cholesky_.rows();
  core::RandomStream stream(
      seed, {.replicate = replicate, .subject = subject, .stream = core::Stream::Parameters});
  Eigen::VectorXd z(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    stream.seek(static_cast<std::uint64_t>(i));
    z(i) = stream.normal();
  }
  const Eigen::VectorXd eta = cholesky_ * z;
  return {eta.data(), eta.data() + n};
}

VirtualPatient PatientGenerator::draw(std::uint64_t seed, std::uint64_t replicate,
                                      std::uint64_t subject) const {
  if (!typical_sampler_) {
    return draw(seed, replicate, subject, model_.typical);
  }
  core::RandomStream stream(
      seed, {.replicate = replicate, .subject = subject, .stream = core::Stream::Uncertainty});
  const auto typical = typical_sampler_->draw(stream);
  KETAPATH_ASSERT(typical.has_value(), "create() checked that draws of the typical values succeed");
  return draw(seed, replicate, subject, *typical);
}

double PatientGenerator::entry_baseline(const EntryScale& scale, bool qualifies, double u,
                                        double u_given, std::optional<double>& screening) const {
  if (!qualifies)
    return scale.unscreened.sample(u);
  if (!spec_.noisy_screening || scale.noise <= 0.0) {
    // Drawn above the criterion (strictly: the truncation point has probability zero).
    return scale.above_entry.sample(u);
  }
  screening = scale.screening.sample(u);
  return baseline_given_screening(scale.distribution, scale.noise, *screening, u_given);
}

VirtualPatient PatientGenerator::draw(std::uint64_t seed, std::uint64_t replicate,
                                      std::uint64_t subject,
                                      const pd::KetamineParameters& typical) const {
  VirtualPatient patient;
  patient.replicate = replicate;
  patient.subject = subject;
  core::RandomStream cov(
      seed, {.replicate = replicate, .subject = subject, .stream = core::Stream::Covariates});
  const auto uniform_at = [&cov](std::uint64_t slot) {
    cov.seek(slot);
    return cov.uniform();
  };
  patient.covariates.weight = core::Kilograms(weight_.sample(uniform_at(slots::kWeight)));
  patient.covariates.age_years = age_.sample(uniform_at(slots::kAge));
  patient.covariates.sex =
      uniform_at(slots::kSex) < spec_.female_fraction ? pd::Sex::Female : pd::Sex::Male;
  patient.covariates.hypertension = uniform_at(slots::kHypertension) < spec_.hypertension_fraction;
  const double ud = uniform_at(slots::kDiagnosis);
  patient.diagnosis = ud < spec_.p_gad_only                      ? Diagnosis::Gad
                      : ud < spec_.p_gad_only + spec_.p_sad_only ? Diagnosis::Sad
                                                                 : Diagnosis::Both;
  const bool gad = patient.diagnosis != Diagnosis::Sad;
  const bool sad = patient.diagnosis != Diagnosis::Gad;
  patient.baseline.ham_a =
      entry_baseline({spec_.ham_a, ham_a_, ham_a_entry_, ham_a_screening_, ham_a_noise_}, gad,
                     uniform_at(slots::kHamA), uniform_at(slots::kHamAGivenScreening),
                     patient.baseline.screening_ham_a);
  patient.baseline.fq = fq_.sample(uniform_at(slots::kFq));
  patient.baseline.gad7 = gad7_.sample(uniform_at(slots::kGad7));
  patient.baseline.lsas = entry_baseline(
      {spec_.lsas, lsas_, lsas_entry_, lsas_screening_, lsas_noise_}, sad, uniform_at(slots::kLsas),
      uniform_at(slots::kLsasGivenScreening), patient.baseline.screening_lsas);
  for (const pd::ScaleDefinition& s : model_.scales) {
    if (pd::is_builtin_scale(s.scale)) {
      continue;
    }
    const std::size_t own = static_cast<std::size_t>(s.scale) - pd::kScaleCount;
    patient.baseline.own.resize(std::max(patient.baseline.own.size(), own + 1), 0.0);
    if (s.model && s.model->baseline) {
      const pd::ScaleBaseline& b = *s.model->baseline;
      patient.baseline.own[own] =
          sample_truncated_normal({.mean = b.mean, .sd = b.sd, .min = b.min, .max = b.max},
                                  uniform_at(slots::kOwnScales + own));
    }
  }

  patient.etas = draw_etas(seed, replicate, subject);
  core::RandomStream response(
      seed, {.replicate = replicate, .subject = subject, .stream = core::Stream::Response});
  response.seek(slots::kNonresponder);
  patient.nonresponder = response.uniform() < typical.nonresponder_fraction;
  patient.parameters =
      pd::individualize(model_, typical, patient.covariates, patient.etas, patient.nonresponder);
  return patient;
}

VirtualPatient make_virtual_patient(const pd::KetamineModel& model, const PopulationSpec& spec,
                                    std::uint64_t seed, std::uint64_t replicate,
                                    std::uint64_t subject) {
  auto generator = PatientGenerator::create(model, spec);
  KETAPATH_ASSERT(generator.has_value(), "make_virtual_patient needs a valid model and spec");
  return generator->draw(seed, replicate, subject);
}

}  // namespace ketapath::population
