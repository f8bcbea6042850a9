// Pharmacokinetic identities and hand-checked values for the closed forms.
#include <cmath>

#include <gtest/gtest.h>

#include "pk/simulate.h"
#include "test_support.h"

namespace ketapath::pk {
namespace {

using namespace testing;

std::vector<OutputRow> run(const std::string& model, const ParameterValues& p,
                           std::vector<Record> records, std::vector<double> grid = {},
                           SolverKind solver = SolverKind::Automatic) {
  SimulationOptions options;
  options.solver = solver;
  for (double t : grid)
    options.extra_times.push_back(core::Hours(t));
  auto rows = simulate(*find_model(model), p, timeline(std::move(records)), options);
  EXPECT_TRUE(rows.has_value()) << (rows ? "" : rows.error().message);
  return rows ? *rows : std::vector<OutputRow>{};
}

TEST(GoldenTest, OneCompartmentBolusByHand) {
  // 100 mg bolus, CL 5 L/h, V 50 L: k = 0.1/h, C(t) = 100/50 e^{-0.1 t} = 2 e^{-0.1 t} mg/L:
  // C(0) = 2, C(1) = 2 e^{-0.1} = 1.809674836071919, C(10) = 2 e^{-1} = 0.7357588823428847.
  const auto rows = run("one_cmt", {{"CL", 5.0}, {"V", 50.0}},
                        {dose(0, 100), observation(0), observation(1), observation(10)});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_NEAR(rows[0].cp, 2.0, 1e-15);
  EXPECT_NEAR(rows[1].cp, 1.809674836071919, 1e-15);
  EXPECT_NEAR(rows[2].cp, 0.7357588823428847, 1e-15);
  EXPECT_NEAR(rows[2].amounts[0], 50 * 0.7357588823428847, 1e-13);
}

TEST(GoldenTest, OneCompartmentDepotByHand) {
  // 100 mg oral, KA 1/h, CL 5 L/h, V 50 L: C = D KA / (V (KA - k)) (e^{-kt} - e^{-KA t})
  //   = 2.2222... (e^{-0.1 t} - e^{-t}); C(2) = 1.518656599647487, C(10) = 0.8174089805370663.
  const auto rows = run("one_cmt_depot", {{"KA", 1.0}, {"CL", 5.0}, {"V", 50.0}},
                        {dose(0, 100), observation(2), observation(10)});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_NEAR(rows[0].cp, 1.518656599647487, 1e-14);
  EXPECT_NEAR(rows[1].cp, 0.8174089805370663, 1e-14);
  EXPECT_NEAR(rows[1].amounts[0], 100 * std::exp(-10.0), 1e-14);  // depot: D e^{-KA t}
}

TEST(EqualRateConstantsTest, AbsorptionEqualsElimination) {
  // KA = CL/V = 0.1 exactly: C(t) = D/V k t e^{-kt}; C(5) = 2 * 0.1 * 5 * e^{-0.5} =
  // 0.6065306597126334. The textbook formula divides 0 by 0 here.
  ParameterValues p{{"KA", 0.1}, {"CL", 5.0}, {"V", 50.0}};
  auto rows = run("one_cmt_depot", p, {dose(0, 100), observation(5), observation(48)});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_NEAR(rows[0].cp, 0.6065306597126334, 1e-15);
  EXPECT_NEAR(rows[1].cp, 2 * 0.1 * 48 * std::exp(-4.8), 1e-15);
  // 1e-8 relative separation: within 1e-8 of the confluent value (the derivative is O(1)).
  p["KA"] = 0.1 * (1 + 1e-8);
  rows = run("one_cmt_depot", p, {dose(0, 100), observation(5)});
  EXPECT_NEAR(rows[0].cp, 0.6065306597126334, 1e-8 * 0.61);
}

// Every linear model with KA and KE0 placed on a disposition eigenvalue (exactly and 1e-8 off),
// against the matrix exponential, which has no trouble with repeated eigenvalues.
TEST(EqualRateConstantsTest, OnDispositionEigenvaluesForEveryModel) {
  for (const std::string& name : linear_models()) {
    for (double offset : {0.0, 1e-8}) {
      ParameterValues p = typical_parameters(name);
      // The eigenvalues of the reference matrix without depot/effect site.
      ParameterValues plain = p;
      const Eigen::MatrixXd k = reference_matrix(name, plain);
      const auto eigen = k.eigenvalues();
      // The slowest disposition eigenvalue (not the depot's -KA).
      double lambda = 1e300;
      const double ka = p.contains("KA") ? p.at("KA") : -1.0;
      for (Eigen::Index i = 0; i < eigen.size(); ++i) {
        const double l = -eigen[i].real();
        if (std::abs(l - ka) > 1e-6 && l < lambda)
          lambda = l;
      }
      if (p.contains("KA"))
        p["KA"] = lambda * (1 + offset);
      p["KE0"] = lambda * (1 - offset);
      const int d = find_model(name)->default_dose_compartment - 1;
      const std::vector<Record> records{dose(0, 100),   observation(0.5),
                                        observation(4), dose(6, 50, {.rate = 20}),
                                        observation(7), observation(30)};
      const auto rows = run(name, p, records);
      ReferenceSimulator reference(reference_matrix(name, p));
      const auto expected =
          reference.run({ref_bolus(0, d, 100), ref_output(0.5), ref_output(4),
                         ref_infusion(6, d, 20, 2.5), ref_output(7), ref_output(30)});
      const int c = find_model(name)->central_compartment - 1;
      const double vc = p.at(find_model(name)->central_volume);
      ASSERT_EQ(rows.size(), expected.size());
      for (std::size_t i = 0; i < rows.size(); ++i) {
        ASSERT_TRUE(std::isfinite(rows[i].cp) && std::isfinite(*rows[i].ce));
        EXPECT_TRUE(close(rows[i].cp, expected[i][c] / vc, 1e-9, 1e-15)) << name << " " << i;
        EXPECT_TRUE(close(*rows[i].ce, expected[i][expected[i].size() - 1], 1e-9, 1e-15))
            << name << " CE " << i;
      }
    }
  }
}

// Composite Simpson rule on [a, b] with n (even) panels over a function sampled by simulate().
double simpson(const std::vector<OutputRow>& rows, std::size_t first, std::size_t n, double h) {
  double s = rows[first].cp + rows[first + n].cp;
  for (std::size_t i = 1; i < n; ++i)
    s += (i % 2 == 1 ? 4.0 : 2.0) * rows[first + i].cp;
  return s * h / 3.0;
}

TEST(IdentityTest, AreaUnderCurveIsBioavailableDoseOverClearance) {
  // AUC(0, inf) = F Dose / CL for every linear model. Simpson with h = 0.005 h over the absorption
  // and distribution phase and 0.25 h up to 3000 h (error < 1e-10 relative: the fourth derivative
  // is bounded by KA^4 C), plus the exact monoexponential tail C(T)/lambda_z (the slower
  // eigenvalues are < e^-30 of it by then).
  for (const std::string& name : linear_models()) {
    ParameterValues p = typical_parameters(name);
    const int d = find_model(name)->default_dose_compartment;
    p[fmt::format("F{}", d)] = 0.7;
    std::vector<double> grid;
    for (int i = 0; i <= 9600; ++i)
      grid.push_back(i * 0.005);  // 0..48 h
    for (int i = 1; i <= 11808; ++i)
      grid.push_back(48 + i * 0.25);  // ..3000 h
    const auto rows = run(name, p, {dose(0, 100)}, grid);
    ASSERT_EQ(rows.size(), grid.size());
    double auc = simpson(rows, 0, 9600, 0.005) + simpson(rows, 9600, 11808, 0.25);
    const auto eigen = reference_matrix(name, p).eigenvalues();
    double lambda_z = 1e300;
    for (Eigen::Index i = 0; i < eigen.size(); ++i)
      lambda_z = std::min(lambda_z, -eigen[i].real());
    auc += rows.back().cp / lambda_z;
    EXPECT_NEAR(auc, 0.7 * 100 / p.at("CL"), 1e-8 * 14) << name;
  }
}

TEST(IdentityTest, MassBalance) {
  // Amount in the body plus amount eliminated (CL * integral of CP) equals the delivered dose:
  // F*100 from the depot plus a 60 mg infusion over 3 h into the central compartment.
  ParameterValues p = typical_parameters("three_cmt_depot");
  p["F1"] = 0.9;
  std::vector<double> grid;
  for (int i = 0; i <= 4000; ++i)
    grid.push_back(i * 0.005);  // 0..20 h
  const auto rows =
      run("three_cmt_depot", p, {dose(0, 100), dose(0, 60, {.cmt = 2, .rate = 20})}, grid);
  const double eliminated = p["CL"] * simpson(rows, 0, 4000, 0.005);
  double body = 0.0;
  for (double a : rows.back().amounts)
    body += a;
  EXPECT_NEAR(body + eliminated, 90 + 60, 1e-9 * 150);
}

TEST(IdentityTest, Superposition) {
  // A bolus plus an infusion equals the sum of each alone (linearity), for a two-compartment depot.
  const ParameterValues p = typical_parameters("two_cmt_depot");
  const std::vector<double> grid{0.5, 1, 2, 5, 12, 30};
  const auto both =
      run("two_cmt_depot", p, {dose(0, 100), dose(1, 40, {.cmt = 2, .rate = 10})}, grid);
  const auto first = run("two_cmt_depot", p, {dose(0, 100)}, grid);
  const auto second = run("two_cmt_depot", p, {dose(1, 40, {.cmt = 2, .rate = 10})}, grid);
  for (std::size_t i = 0; i < grid.size(); ++i) {
    EXPECT_NEAR(both[i].cp, first[i].cp + second[i].cp, 1e-13) << grid[i];
  }
}

TEST(IdentityTest, SteadyStateAccumulationOneCompartment) {
  // Bolus D every tau at steady state: peak (just after the record's dose) = D/V / (1 - e^{-k tau})
  // and trough one interval later = D/V e^{-k tau} / (1 - e^{-k tau}): the accumulation factor
  // 1/(1 - e^{-k tau}). An observation before the SS record in file order still sees zero.
  const double k = 0.1, tau = 12.0;
  const auto rows = run("one_cmt", {{"CL", 5.0}, {"V", 50.0}},
                        {observation(0), dose(0, 100, {.ii = tau, .ss = 1}), observation(0),
                         observation(6), observation(12)});
  const double factor = 1.0 / (1.0 - std::exp(-k * tau));
  EXPECT_EQ(rows[0].cp, 0.0);
  EXPECT_NEAR(rows[1].cp, 2.0 * factor, 1e-14);
  EXPECT_NEAR(rows[2].cp, 2.0 * std::exp(-k * 6) * factor, 1e-14);
  EXPECT_NEAR(rows[3].cp, 2.0 * std::exp(-k * tau) * factor, 1e-14);
}

TEST(IdentityTest, SteadyStateEqualsManyRepeatedDoses) {
  // SS=1 against 600 explicit doses (ADDL) for bolus, short infusion and an infusion longer than
  // II, with lag, on the slowest model: after 600 x 12 h the approach is complete to e^-40.
  ParameterValues p = typical_parameters("three_cmt_depot");
  p["ALAG1"] = 0.5;
  p["F1"] = 0.8;
  for (const DoseOptions& o : {DoseOptions{.ii = 12}, DoseOptions{.rate = 20, .ii = 12},
                               DoseOptions{.cmt = 2, .rate = 5, .ii = 12}}) {
    DoseOptions ss = o;
    ss.ss = 1;
    DoseOptions many = o;
    many.addl = 600;
    const double t0 = 600 * 12.0;
    const auto steady = run("three_cmt_depot", p,
                            {dose(t0, 100, ss), observation(t0), observation(t0 + 0.5),
                             observation(t0 + 3), observation(t0 + 11)});
    const auto repeated = run("three_cmt_depot", p,
                              {dose(0, 100, many), observation(t0), observation(t0 + 0.5),
                               observation(t0 + 3), observation(t0 + 11)});
    for (std::size_t i = 0; i < steady.size(); ++i) {
      EXPECT_NEAR(steady[i].cp, repeated[i].cp, 1e-9 * repeated[i].cp) << o.rate << " " << i;
    }
  }
}

TEST(IdentityTest, InfusionAsLongAsTheIntervalIsAConstantInfusion) {
  // 120 mg over 12 h every 12 h is 10 mg/h for ever: CP = R/CL everywhere, like the SS constant
  // infusion (AMT=0, RATE=10, II=0) at its record.
  const ParameterValues p = typical_parameters("two_cmt");
  const auto periodic = run("two_cmt", p,
                            {dose(0, 120, {.rate = 10, .ii = 12, .ss = 1}), observation(0),
                             observation(5), observation(11.5)});
  for (const auto& row : periodic)
    EXPECT_NEAR(row.cp, 10.0 / 5.0, 1e-12);
  const auto constant = run("two_cmt", p, {dose(0, 0, {.rate = 10, .ss = 1}), observation(0)});
  EXPECT_NEAR(constant[0].cp, 2.0, 1e-12);
}

TEST(IdentityTest, ConstantInfusionIntoTheDepotIgnoresBioavailability) {
  // NONMEM: F does not apply to a steady-state constant infusion; at equilibrium CP = R / CL.
  ParameterValues p = typical_parameters("one_cmt_depot");
  p["F1"] = 0.5;
  const auto rows =
      run("one_cmt_depot", p, {dose(0, 0, {.rate = 10, .ss = 1}), observation(0), observation(10)});
  EXPECT_NEAR(rows[0].cp, 2.0, 1e-12);
  EXPECT_NEAR(rows[0].amounts[0], 10.0 / 1.2, 1e-12);  // depot at R / KA
  EXPECT_LT(rows[1].cp, rows[0].cp);                   // the infusion stopped at its record
}

}  // namespace
}  // namespace ketapath::pk
