// Virtual patients: reproducibility, moments within sampling-error bounds, correlation recovered,
// entry criteria and fractions. Bounds are 4 standard errors derived from n and the variance.

#include "population/virtual_patient.h"

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "core/random.h"
#include "pd/typical_uncertainty.h"

namespace ketapath::population {
namespace {

constexpr int kN = 4000;

pd::KetamineModel model_with_correlation(double r) {
  pd::KetamineModel model;
  model.name = "test";
  model.etas = {{pd::ParameterId::CL, pd::EtaTransform::LogNormal, 0.35},
                {pd::ParameterId::V1, pd::EtaTransform::LogNormal, 0.30},
                {pd::ParameterId::F_SC, pd::EtaTransform::LogitNormal, 0.08},
                {pd::ParameterId::KE0, pd::EtaTransform::LogNormal, 0.0}};
  model.correlations = {{0, 1, r}};
  auto omega = pd::build_omega(model.typical, model.etas, model.correlations);
  EXPECT_TRUE(omega.has_value());
  model.omega = *omega;
  return model;
}

PatientGenerator generator(const pd::KetamineModel& model, PopulationSpec spec = {}) {
  auto g = PatientGenerator::create(model, spec);
  EXPECT_TRUE(g.has_value()) << g.error().message;
  return *g;
}

TEST(VirtualPatientTest, APatientDependsOnlyOnSeedAndIndices) {
  const auto g = generator(model_with_correlation(0.5));
  const VirtualPatient a = g.draw(7, 2, 11);
  for (int i = 0; i < 5; ++i) {
    (void)g.draw(7, 2, static_cast<std::uint64_t>(i));  // other patients drawn in between
  }
  const VirtualPatient b = g.draw(7, 2, 11);
  EXPECT_EQ(a.etas, b.etas);
  EXPECT_EQ(a.covariates.weight, b.covariates.weight);
  EXPECT_EQ(a.baseline.ham_a, b.baseline.ham_a);
  EXPECT_EQ(a.nonresponder, b.nonresponder);
  EXPECT_EQ(a.parameters.cl, b.parameters.cl);
  const VirtualPatient other_seed = g.draw(8, 2, 11);
  EXPECT_NE(a.etas, other_seed.etas);
  const VirtualPatient other_replicate = g.draw(7, 3, 11);
  EXPECT_NE(a.etas, other_replicate.etas);
  const auto free_function =
      make_virtual_patient(model_with_correlation(0.5), PopulationSpec{}, 7, 2, 11);
  EXPECT_EQ(free_function.etas, a.etas);
}

TEST(VirtualPatientTest, PerSubjectUncertaintyDrawsTypicalValuesAndKeepsThePatient) {
  pd::KetamineModel model = model_with_correlation(0.5);
  EXPECT_FALSE(PatientGenerator::create(model, {}, {.typical_per_subject = true}))
      << "no [uncertainty]: refused";
  pd::TypicalUncertainty u;
  u.parameters = {pd::ParameterId::CL, pd::ParameterId::S_KON};
  u.log_covariance = Eigen::Matrix2d{{0.04, 0.0}, {0.0, 0.25}};
  u.source = "test";
  model.uncertainty = u;
  const auto plain = generator(model);
  auto uncertain = PatientGenerator::create(model, {}, {.typical_per_subject = true});
  ASSERT_TRUE(uncertain) << uncertain.error().message;
  for (std::uint64_t i = 0; i < 20; ++i) {
    const VirtualPatient a = plain.draw(7, 0, i);
    const VirtualPatient b = uncertain->draw(7, 0, i);
    EXPECT_EQ(a.covariates.weight.value(), b.covariates.weight.value());
    EXPECT_EQ(a.etas, b.etas);
    EXPECT_EQ(a.nonresponder, b.nonresponder);
    EXPECT_NE(a.parameters.s_kon.value(), b.parameters.s_kon.value());
    core::RandomStream stream(7,
                              {.replicate = 0, .subject = i, .stream = core::Stream::Uncertainty});
    const auto typical = pd::draw_typical(model, stream);
    ASSERT_TRUE(typical);
    EXPECT_EQ(b.parameters.s_kon.value(), plain.draw(7, 0, i, *typical).parameters.s_kon.value());
    EXPECT_EQ(b.parameters.s_kon.value(), uncertain->draw(7, 0, i).parameters.s_kon.value());
  }
}

TEST(VirtualPatientTest, EtaMomentsAndCorrelationAreRecovered) {
  const double r = 0.6;
  const auto model = model_with_correlation(r);
  const auto g = generator(model);
  std::vector<std::vector<double>> etas;
  for (int i = 0; i < kN; ++i) {
    etas.push_back(g.draw(1, 0, static_cast<std::uint64_t>(i)).etas);
  }
  for (int k = 0; k < 3; ++k) {
    const double omega2 = model.omega(k, k);
    double mean = 0.0;
    for (const auto& e : etas) {
      mean += e[static_cast<std::size_t>(k)];
    }
    mean /= kN;
    double var = 0.0;
    for (const auto& e : etas) {
      var += std::pow(e[static_cast<std::size_t>(k)] - mean, 2);
    }
    var /= kN - 1;
    EXPECT_NEAR(mean, 0.0, 4.0 * std::sqrt(omega2 / kN)) << k;
    EXPECT_NEAR(var, omega2, 4.0 * omega2 * std::sqrt(2.0 / (kN - 1))) << k;
  }
  // omega = sqrt(ln(1 + CV^2)) on the diagonal.
  EXPECT_NEAR(model.omega(0, 0), std::log(1.0 + 0.35 * 0.35), 1e-15);
  double sxy = 0.0;
  double sxx = 0.0;
  double syy = 0.0;
  for (const auto& e : etas) {
    sxy += e[0] * e[1];
    sxx += e[0] * e[0];
    syy += e[1] * e[1];
  }
  const double sample_r = sxy / std::sqrt(sxx * syy);
  // SE of a correlation coefficient ~ (1 - r^2) / sqrt(n).
  EXPECT_NEAR(sample_r, r, 4.0 * (1.0 - r * r) / std::sqrt(kN));
  // A zero-CV eta stays exactly zero.
  for (int i = 0; i < kN; ++i) {
    EXPECT_EQ(etas[static_cast<std::size_t>(i)][3], 0.0);
  }
}

TEST(VirtualPatientTest, BioavailabilityStaysBelowOne) {
  pd::KetamineModel model;
  model.etas = {{pd::ParameterId::F_SC, pd::EtaTransform::LogitNormal, 0.5}};
  model.omega = *pd::build_omega(model.typical, model.etas, {});
  const auto g = generator(model);
  for (int i = 0; i < 1000; ++i) {
    const double f = g.draw(3, 0, static_cast<std::uint64_t>(i)).parameters.sc.f;
    EXPECT_GT(f, 0.0);
    EXPECT_LT(f, 1.0);
  }
}

TEST(VirtualPatientTest, CovariatesMeetEntryCriteriaAndFractions) {
  PopulationSpec spec;
  const auto g = generator(model_with_correlation(0.0), spec);
  int female = 0;
  int gad_only = 0;
  int nonresponders = 0;
  double weight_sum = 0.0;
  for (int i = 0; i < kN; ++i) {
    const VirtualPatient p = g.draw(5, 1, static_cast<std::uint64_t>(i));
    if (p.diagnosis != Diagnosis::Sad) {
      EXPECT_GT(p.baseline.ham_a, spec.ham_a_entry);
    }
    if (p.diagnosis != Diagnosis::Gad) {
      EXPECT_GT(p.baseline.lsas, spec.lsas_entry);
    }
    EXPECT_GE(p.baseline.ham_a, 0.0);
    EXPECT_LE(p.baseline.ham_a, 56.0);
    EXPECT_LE(p.baseline.gad7, 21.0);
    EXPECT_GE(p.covariates.weight.value(), spec.weight_kg.min);
    EXPECT_LE(p.covariates.weight.value(), spec.weight_kg.max);
    female += p.covariates.sex == pd::Sex::Female ? 1 : 0;
    gad_only += p.diagnosis == Diagnosis::Gad ? 1 : 0;
    nonresponders += p.nonresponder ? 1 : 0;
    weight_sum += p.covariates.weight.value();
  }
  const auto within = [](int count, double p) {
    return std::abs(count / double(kN) - p) < 4.0 * std::sqrt(p * (1.0 - p) / kN);
  };
  EXPECT_TRUE(within(female, spec.female_fraction)) << female;
  EXPECT_TRUE(within(gad_only, spec.p_gad_only)) << gad_only;
  EXPECT_TRUE(within(nonresponders, pd::KetamineParameters{}.nonresponder_fraction))
      << nonresponders;
  // Truncated-normal mean: mu + sd (phi(a) - phi(b)) / (Phi(b) - Phi(a)).
  const auto& w = spec.weight_kg;
  const double a = (w.min - w.mean) / w.sd;
  const double b = (w.max - w.mean) / w.sd;
  const auto phi = [](double x) {
    return std::exp(-0.5 * x * x) / std::sqrt(2.0 * M_PI);
  };
  const auto cdf = [](double x) {
    return 0.5 * std::erfc(-x / std::sqrt(2.0));
  };
  const double expected = w.mean + w.sd * (phi(a) - phi(b)) / (cdf(b) - cdf(a));
  EXPECT_NEAR(weight_sum / kN, expected, 4.0 * w.sd / std::sqrt(kN));
}

TEST(VirtualPatientTest, InvalidSpecsAndOmegaAreErrors) {
  PopulationSpec spec;
  spec.p_both = 0.9;
  auto bad_mix = PatientGenerator::create(model_with_correlation(0.0), spec);
  ASSERT_FALSE(bad_mix);
  EXPECT_NE(bad_mix.error().message.find("sum to 1"), std::string::npos);
  PopulationSpec impossible;
  impossible.ham_a = {25.0, 5.0, 0.0, 18.0};  // cannot exceed the entry criterion of 20
  EXPECT_FALSE(impossible.validate());
  pd::KetamineModel model = model_with_correlation(0.0);
  model.omega(0, 1) = 5.0;
  model.omega(1, 0) = 5.0;
  EXPECT_FALSE(PatientGenerator::create(model, PopulationSpec{}));
  EXPECT_FALSE(
      pd::build_omega(model.typical, model.etas, std::vector<pd::EtaCorrelation>{{0, 1, 1.0}}));
}

TEST(VirtualPatientTest, TruncatedNormalSamplerIsTheInverseCdf) {
  const TruncatedNormal d{0.0, 1.0, -1.0, 2.0};
  EXPECT_NEAR(sample_truncated_normal(d, 1e-12), -1.0, 1e-6);
  EXPECT_NEAR(sample_truncated_normal(d, 1.0 - 1e-12), 2.0, 1e-6);
  // Median of the truncated distribution: Phi^-1((Phi(-1) + Phi(2)) / 2).
  EXPECT_NEAR(sample_truncated_normal(d, 0.5),
              core::normal_quantile(0.5 * (0.158655253931457 + 0.977249868051821)), 1e-9);
}

// Issue 16 item 6: entry on a noisy screening rating. Every enrolled patient's screening HAM-A
// meets the criterion, but some true baselines do not; on average the true baseline sits below
// the screening score by (1 - k)(E[S] - mean), k = sd^2 / (sd^2 + s^2): regression to the mean.
// The default (exact) is unchanged: no screening score, every baseline above the criterion.
TEST(VirtualPatientTest, NoisyScreeningEnrolsOnTheScreeningScoreAndRegressesToTheMean) {
  pd::KetamineModel model = model_with_correlation(0.0);
  const double s = model.typical.sd_ham_a;
  ASSERT_GT(s, 0.0);
  PopulationSpec spec;
  spec.p_gad_only = 1.0;
  spec.p_sad_only = 0.0;
  spec.p_both = 0.0;
  spec.noisy_screening = true;
  const auto noisy = generator(model, spec);
  spec.noisy_screening = false;
  const auto exact = generator(model, spec);
  constexpr int kCount = 20000;
  double screening_sum = 0.0, baseline_sum = 0.0;
  int below = 0;
  for (int i = 0; i < kCount; ++i) {
    const VirtualPatient p = noisy.draw(7, 0, static_cast<std::uint64_t>(i));
    ASSERT_TRUE(p.baseline.screening_ham_a);
    EXPECT_GT(*p.baseline.screening_ham_a, spec.ham_a_entry);
    screening_sum += *p.baseline.screening_ham_a;
    baseline_sum += p.baseline.ham_a;
    below += p.baseline.ham_a <= spec.ham_a_entry ? 1 : 0;
    const VirtualPatient q = exact.draw(7, 0, static_cast<std::uint64_t>(i));
    EXPECT_FALSE(q.baseline.screening_ham_a);
    EXPECT_GT(q.baseline.ham_a, spec.ham_a_entry);
  }
  const double mean_s = screening_sum / kCount;
  const double mean_b = baseline_sum / kCount;
  const double k = spec.ham_a.sd * spec.ham_a.sd / (spec.ham_a.sd * spec.ham_a.sd + s * s);
  EXPECT_NEAR(mean_s - mean_b, (1.0 - k) * (mean_s - spec.ham_a.mean), 0.05) << "k " << k;
  EXPECT_GT(mean_s - mean_b, 0.1);
  EXPECT_GT(below, kCount / 100);  // some enrolled patients do not truly meet the criterion
  // The same patient from the same counters.
  EXPECT_EQ(noisy.draw(7, 0, 123).baseline.ham_a, noisy.draw(7, 0, 123).baseline.ham_a);
}

}  // namespace
}  // namespace ketapath::population
