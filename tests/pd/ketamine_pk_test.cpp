// PK of the ketamine model against independent references: the closed-form two-compartment
// bolus solution, and exposure identities (AUC = F Dose / CL, norketamine mass balance,
// steady state = rate / CL, AUC of Ce = AUC of C).

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "pd/ketamine_model.h"

namespace ketapath::pd {
namespace {

using core::Hours;
using core::Milligrams;

// Trapezoid on a graded grid (1 s for the first half hour, 20 s to 12 h, 2 min after) starting
// just after the dose (outputs at a dose time are pre-dose). The tail after the end is < 1e-9 of
// the AUC; the trapezoid error is O(h^2 C'') and below 2e-5 relative for these curves.
std::vector<Hours> auc_grid(double end_h) {
  std::vector<Hours> t{Hours(1e-12)};
  double x = 0.0;
  while (x < end_h) {
    x += x < 0.5 ? 1.0 / 3600.0 : (x < 12.0 ? 20.0 / 3600.0 : 2.0 / 60.0);
    t.emplace_back(x);
  }
  return t;
}

double auc(const std::vector<Hours>& t, const std::vector<core::MilligramsPerLitre>& c) {
  double sum = 0.0;
  for (std::size_t i = 1; i < t.size(); ++i) {
    sum += 0.5 * (c[i].value() + c[i - 1].value()) * (t[i] - t[i - 1]).value();
  }
  return sum;
}

TimeCourse simulate_or_die(const KetamineParameters& p, const std::vector<Dose>& doses,
                           const std::vector<Hours>& t) {
  auto course = simulate_ketamine(p, doses, t);
  EXPECT_TRUE(course.has_value()) << course.error().message;
  return *course;
}

TEST(KetaminePkTest, IvBolusMatchesClosedFormTwoCompartmentSolution) {
  const KetamineParameters p;
  const double dose = 35.0;
  const double k10 = (p.cl / p.v1).value();
  const double k12 = (p.q / p.v1).value();
  const double k21 = (p.q / p.v2).value();
  const double sum = k10 + k12 + k21;
  const double alpha = 0.5 * (sum + std::sqrt(sum * sum - 4.0 * k10 * k21));
  const double beta = 0.5 * (sum - std::sqrt(sum * sum - 4.0 * k10 * k21));
  const double a = dose / p.v1.value() * (alpha - k21) / (alpha - beta);
  const double b = dose / p.v1.value() * (k21 - beta) / (alpha - beta);
  std::vector<Hours> t{Hours(0.01), Hours(0.1), Hours(0.5), Hours(1.0), Hours(3.0), Hours(12.0)};
  const auto course =
      simulate_or_die(p, {{.time = Hours(0.0), .route = Route::Iv, .amount = Milligrams(dose)}}, t);
  for (std::size_t i = 0; i < t.size(); ++i) {
    const double x = t[i].value();
    const double expected = a * std::exp(-alpha * x) + b * std::exp(-beta * x);
    // Matrix exponential vs closed form: both exact, so agreement to rounding (1e-10 relative).
    EXPECT_NEAR(course.ketamine[i].value(), expected, 1e-10 * expected) << "t = " << x;
  }
}

class RouteAucTest : public ::testing::TestWithParam<Route> {};

TEST_P(RouteAucTest, AucEqualsBioavailableDoseOverClearance) {
  const KetamineParameters p;
  const Route route = GetParam();
  const double dose = 70.0;
  const auto t = auc_grid(96.0);
  const auto course =
      simulate_or_die(p, {{.time = Hours(0.0), .route = route, .amount = Milligrams(dose)}}, t);
  const double f = p.absorption(route).f;
  const double expected = f * dose / p.cl.value();
  // Grid error < 2e-5 relative (see auc_grid).
  EXPECT_NEAR(auc(t, course.ketamine), expected, 1e-4 * expected) << route_name(route);
  // Effect-site AUC equals plasma AUC (dCe/dt = ke0 (C - Ce) integrates to zero net).
  EXPECT_NEAR(auc(t, course.effect_site), expected, 1e-4 * expected);
  // Norketamine mass balance: formed (systemic fm F Dose + presystemic (1-F) FPNK Dose) equals
  // eliminated (CLNK x AUC_NK).
  const double formed = p.fm * f * dose + (1.0 - f) * p.absorption(route).first_pass_nk * dose;
  EXPECT_NEAR(auc(t, course.norketamine) * p.cl_nk.value(), formed, 1e-4 * formed);
}

INSTANTIATE_TEST_SUITE_P(AllRoutes, RouteAucTest,
                         ::testing::Values(Route::Iv, Route::Sc, Route::Im, Route::In, Route::Po,
                                           Route::Sl));

TEST(KetaminePkTest, BioavailabilityIsHonouredPerRoute) {
  KetamineParameters p;
  p.sc.f = 0.5;
  const auto t = auc_grid(96.0);
  const auto iv =
      simulate_or_die(p, {{.time = Hours(0.0), .route = Route::Iv, .amount = Milligrams(10.0)}}, t);
  const auto sc =
      simulate_or_die(p, {{.time = Hours(0.0), .route = Route::Sc, .amount = Milligrams(10.0)}}, t);
  EXPECT_NEAR(auc(t, sc.ketamine) / auc(t, iv.ketamine), 0.5, 1e-4);
}

TEST(KetaminePkTest, OralNorketamineExceedsKetamineByFirstPass) {
  // Reference s9 #17: after oral doses NK AUC / K AUC > 3.
  const KetamineParameters p;
  const auto t = auc_grid(96.0);
  const auto po = simulate_or_die(
      p, {{.time = Hours(0.0), .route = Route::Po, .amount = Milligrams(100.0)}}, t);
  EXPECT_GT(auc(t, po.norketamine) / auc(t, po.ketamine), 3.0);
}

TEST(KetaminePkTest, LongInfusionReachesRateOverClearance) {
  const KetamineParameters p;
  const double rate = 10.0;  // mg/h for 60 h: > 20 terminal half-lives
  const std::vector<Hours> t{Hours(60.0)};
  const auto c = simulate_or_die(p,
                                 {{.time = Hours(0.0),
                                   .route = Route::Iv,
                                   .amount = Milligrams(rate * 60.0),
                                   .duration = Hours(60.0)}},
                                 t);
  EXPECT_NEAR(c.ketamine[0].value(), rate / p.cl.value(), 1e-6 * rate / p.cl.value());
}

TEST(KetaminePkTest, ThreeCompartmentAucIsDoseOverClearance) {
  KetamineParameters p;  // Domino-like: third compartment switched on
  p.q3 = core::LitresPerHour(156.0);
  p.v3 = core::Litres(178.0);
  const auto t = auc_grid(400.0);
  const auto c =
      simulate_or_die(p, {{.time = Hours(0.0), .route = Route::Iv, .amount = Milligrams(35.0)}}, t);
  const double expected = 35.0 / p.cl.value();
  EXPECT_NEAR(auc(t, c.ketamine), expected, 1e-4 * expected);
}

TEST(KetaminePkTest, AllometryScalesClearancesAndVolumes) {
  KetamineModel model;
  SubjectCovariates half;
  half.weight = core::Kilograms(35.0);
  const KetamineParameters p = individualize(model, half);
  EXPECT_NEAR(p.v1.value(), 40.0, 1e-12);
  EXPECT_NEAR(p.cl.value(), 79.0 * std::pow(0.5, 0.75), 1e-12);
  EXPECT_NEAR(p.q.value(), 250.0 * std::pow(0.5, 0.75), 1e-12);
  EXPECT_NEAR(p.v_nk.value(), 50.0, 1e-12);
  SubjectCovariates woman;
  woman.sex = Sex::Female;
  SubjectCovariates man;
  man.sex = Sex::Male;
  EXPECT_NEAR(individualize(model, woman).cl / individualize(model, man).cl, 1.2, 1e-12);
}

TEST(KetaminePkTest, OutputAtADoseTimeIsPreDose) {
  const KetamineParameters p;
  const std::vector<Hours> t{Hours(1.0), Hours(1.0 + 1e-9)};
  const auto c =
      simulate_or_die(p, {{.time = Hours(1.0), .route = Route::Iv, .amount = Milligrams(35.0)}}, t);
  EXPECT_EQ(c.ketamine[0].value(), 0.0);
  EXPECT_GT(c.ketamine[1].value(), 0.4);
  EXPECT_EQ(c.doses_before[0], 0);
  EXPECT_EQ(c.doses_before[1], 1);
}

TEST(KetaminePkTest, InvalidInputsAreErrorsNamingTheValue) {
  const KetamineParameters p;
  const std::vector<Hours> t{Hours(1.0)};
  auto negative = simulate_ketamine(
      p, std::vector<Dose>{{.time = Hours(0.0), .route = Route::Sc, .amount = Milligrams(-1.0)}},
      t);
  ASSERT_FALSE(negative);
  EXPECT_NE(negative.error().message.find("-1 mg"), std::string::npos);
  auto infused_sc = simulate_ketamine(p,
                                      std::vector<Dose>{{.time = Hours(0.0),
                                                         .route = Route::Sc,
                                                         .amount = Milligrams(1.0),
                                                         .duration = Hours(1.0)}},
                                      t);
  ASSERT_FALSE(infused_sc);
  EXPECT_NE(infused_sc.error().message.find("route sc"), std::string::npos);
  const std::vector<Hours> backwards{Hours(2.0), Hours(1.0)};
  EXPECT_FALSE(simulate_ketamine(p, {}, backwards));
  KetamineParameters bad;
  bad.cl = core::LitresPerHour(-1.0);
  auto invalid = simulate_ketamine(bad, {}, t);
  ASSERT_FALSE(invalid);
  EXPECT_NE(invalid.error().message.find("CL must be > 0 L/h (got -1 L/h)"), std::string::npos);
}

}  // namespace
}  // namespace ketapath::pd
