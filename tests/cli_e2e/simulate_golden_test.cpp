// Golden data sets (tests/data/nmtran) through `ketapath simulate`, checked against closed-form
// solutions written out here by hand, independent of the engine's own formulas.
//
// Tolerance: the engine is exact up to rounding, so agreement is expected to ~1e-14 relative;
// 1e-10 relative (absolute floor 1e-12) leaves room for the order of floating-point operations
// while still catching any modelling mistake (a wrong lag, rate or tie order shifts values by
// percent, not by 1e-10).

#include <cmath>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "run_ketapath.h"

namespace ketapath::e2e {
namespace {

constexpr double kRelative = 1e-10;
constexpr double kAbsolute = 1e-12;

void expect_close(double actual, double expected, const std::string& where) {
  EXPECT_NEAR(actual, expected, kAbsolute + kRelative * std::fabs(expected)) << where;
}

Table simulate(const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"simulate"};
  args.insert(args.end(), extra.begin(), extra.end());
  const RunResult r = run_ketapath(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  return parse_csv(r.out);
}

// one_cmt (ADVAN1), CL = 2 L/h, V = 10 L, 100 mg IV bolus at t = 0: k = CL/V = 0.2 1/h and
// C(t) = D/V * exp(-k t) = 10 * exp(-0.2 t) mg/L, A1 = V * C. The first row at t = 0 comes
// before the dose in the file, so it sees the pre-dose amount 0 (file order at equal times);
// the second comes after it and sees 10 mg/L.
TEST(SimulateGoldenTest, OneCompartmentBolus) {
  const Table t = simulate({"--model", "one_cmt", "--param", "CL=2", "--param", "V=10", "--data",
                            data_file("one_cmt_bolus.csv")});
  ASSERT_EQ(t.header, (std::vector<std::string>{"ID", "TIME", "CP", "A1"}));
  const std::vector<double> times = {0, 0, 1, 2, 4, 8, 12, 24};
  ASSERT_EQ(t.rows.size(), times.size());  // one row per EVID=0 record, the dose row has none
  for (std::size_t i = 0; i < times.size(); ++i) {
    const double c = i == 0 ? 0.0 : 10.0 * std::exp(-0.2 * times[i]);
    EXPECT_EQ(t.ids[i], "1");
    EXPECT_EQ(t.rows[i][0], times[i]);
    expect_close(t.rows[i][1], c, "CP row " + std::to_string(i));
    expect_close(t.rows[i][2], 10.0 * c, "A1 row " + std::to_string(i));
  }
}

// The same data with KE0 = 1 1/h: the effect site follows dCe/dt = KE0 (C - Ce), so for a bolus
// Ce(t) = D/V * KE0/(KE0 - k) * (exp(-k t) - exp(-KE0 t)).
TEST(SimulateGoldenTest, EffectSiteColumn) {
  const Table t = simulate({"--model", "one_cmt", "--param", "CL=2,V=10,KE0=1", "--data",
                            data_file("one_cmt_bolus.csv")});
  ASSERT_EQ(t.header, (std::vector<std::string>{"ID", "TIME", "CP", "A1", "CE"}));
  for (std::size_t i = 1; i < t.rows.size(); ++i) {
    const double time = t.rows[i][0];
    const double ce = 10.0 * 1.0 / (1.0 - 0.2) * (std::exp(-0.2 * time) - std::exp(-1.0 * time));
    expect_close(t.rows[i][3], ce, "CE at " + std::to_string(time));
  }
}

// --grid 0:24:6 adds 0, 6, 12, 18, 24 h, merged in time order with data rows first on ties.
TEST(SimulateGoldenTest, GridRowsMergedAfterDataRowsOnTies) {
  const Table t = simulate({"--model", "one_cmt", "--param", "CL=2,V=10", "--data",
                            data_file("one_cmt_bolus.csv"), "--grid", "0:24:6"});
  const std::vector<double> times = {0, 0, 0, 1, 2, 4, 6, 8, 12, 12, 18, 24, 24};
  ASSERT_EQ(t.rows.size(), times.size());
  for (std::size_t i = 0; i < times.size(); ++i) {
    EXPECT_EQ(t.rows[i][0], times[i]) << i;
    const double c = i == 0 ? 0.0 : 10.0 * std::exp(-0.2 * times[i]);
    expect_close(t.rows[i][1], c, "CP row " + std::to_string(i));
  }
}

// 100 mg at RATE 50 mg/h (2 h infusions) at 0 h with ADDL = 2, II = 12 h: infusions at 0, 12
// and 24 h. By superposition, an infusion started at s contributes, at tau = t - s,
//   R/CL (1 - exp(-k tau))                     for 0 < tau <= T (T = 2 h)
//   R/CL (1 - exp(-k T)) exp(-k (tau - T))     for tau > T.
TEST(SimulateGoldenTest, InfusionWithAdditionalDoses) {
  const Table t = simulate({"--model", "one_cmt", "--param", "CL=2,V=10", "--data",
                            data_file("one_cmt_infusion_addl.csv")});
  const double k = 0.2, rate = 50.0, cl = 2.0, duration = 2.0;
  auto infusion = [&](double tau) {
    if (tau <= 0)
      return 0.0;
    if (tau <= duration)
      return rate / cl * (1 - std::exp(-k * tau));
    return rate / cl * (1 - std::exp(-k * duration)) * std::exp(-k * (tau - duration));
  };
  const std::vector<double> times = {1, 2, 6, 13, 24, 25, 30};
  ASSERT_EQ(t.rows.size(), times.size());
  for (std::size_t i = 0; i < times.size(); ++i) {
    const double c = infusion(times[i]) + infusion(times[i] - 12) + infusion(times[i] - 24);
    expect_close(t.rows[i][1], c, "CP at " + std::to_string(times[i]));
  }
}

// one_cmt_depot (ADVAN2): 100 mg into the depot (CMT 1) with F1 = 0.8 and ALAG1 = 0.5 h, KA = 1.5
// 1/h, CL = 2 L/h, V = 20 L (k = 0.1 1/h). With tau = t - ALAG1 (nothing before the lag):
//   A1 = F D exp(-KA tau),  C = F D KA / (V (KA - k)) (exp(-k tau) - exp(-KA tau)).
// At t = ALAG1 exactly the observation sees the dose in the depot: an implied event (the lagged
// dose entering) at the time of an explicit record happens before it, as in NONMEM.
TEST(SimulateGoldenTest, DepotWithBioavailabilityAndLag) {
  const Table t =
      simulate({"--model", "one_cmt_depot", "--param", "KA=1.5,CL=2,V=20,F1=0.8,ALAG1=0.5",
                "--data", data_file("one_cmt_depot_lag.csv")});
  ASSERT_EQ(t.header, (std::vector<std::string>{"ID", "TIME", "CP", "A1", "A2"}));
  const double f_dose = 80.0, ka = 1.5, k = 0.1, v = 20.0;
  const std::vector<double> times = {0.25, 0.5, 1, 2, 6, 12};
  ASSERT_EQ(t.rows.size(), times.size());
  for (std::size_t i = 0; i < times.size(); ++i) {
    const double tau = times[i] - 0.5;
    const double depot = tau >= 0 ? f_dose * std::exp(-ka * tau) : 0.0;
    const double c =
        tau > 0 ? f_dose * ka / (v * (ka - k)) * (std::exp(-k * tau) - std::exp(-ka * tau)) : 0.0;
    expect_close(t.rows[i][1], c, "CP at " + std::to_string(times[i]));
    expect_close(t.rows[i][2], depot, "A1 at " + std::to_string(times[i]));
    expect_close(t.rows[i][3], c * v, "A2 at " + std::to_string(times[i]));
  }
}

// SS=1 bolus, 100 mg every 12 h, one_cmt CL = 2, V = 10: at steady state the amount just after a
// dose is D / (1 - exp(-k II)) (the geometric series of all earlier doses), so within an
// interval C(t) = D/V exp(-k t) / (1 - exp(-k II)).
TEST(SimulateGoldenTest, SteadyStateBolus) {
  const Table t = simulate(
      {"--model", "one_cmt", "--param", "CL=2,V=10", "--data", data_file("one_cmt_ss_bolus.csv")});
  const std::vector<double> times = {0, 3, 11.5};
  ASSERT_EQ(t.rows.size(), times.size());
  for (std::size_t i = 0; i < times.size(); ++i) {
    const double c = 10.0 * std::exp(-0.2 * times[i]) / (1 - std::exp(-0.2 * 12));
    expect_close(t.rows[i][1], c, "CP at " + std::to_string(times[i]));
  }
}

// EVID 3 empties the body at 4 h; EVID 4 then restarts the clock at 0 with 50 mg. A second ID
// is simulated independently. Rows keep input order and each row names its ID.
TEST(SimulateGoldenTest, ResetsAndSeveralSubjects) {
  const Table t = simulate({"--model", "one_cmt", "--param", "CL=2,V=10", "--data",
                            data_file("one_cmt_reset_two_ids.csv")});
  ASSERT_EQ(t.rows.size(), 4u);
  EXPECT_EQ(t.ids, (std::vector<std::string>{"1", "1", "1", "2"}));
  const double decay2 = std::exp(-0.2 * 2);
  expect_close(t.rows[0][1], 10.0 * decay2, "ID 1 at 2 h");
  expect_close(t.rows[1][1], 0.0, "ID 1 after the reset");
  expect_close(t.rows[2][1], 5.0 * decay2, "ID 1, 2 h after the EVID 4 dose");
  expect_close(t.rows[3][1], 20.0 * decay2, "ID 2 at 2 h");
}

// two_cmt (ADVAN3 TRANS4), CL = 2, V1 = 10, Q = 3, V2 = 20, 100 mg bolus: with k10 = CL/V1,
// k12 = Q/V1, k21 = Q/V2, alpha + beta = k10 + k12 + k21 and alpha beta = k10 k21,
//   C(t) = D/V1 [ (alpha - k21) e^{-alpha t} + (k21 - beta) e^{-beta t} ] / (alpha - beta).
TEST(SimulateGoldenTest, TwoCompartmentBolus) {
  const Table t = simulate({"--model", "two_cmt", "--param", "CL=2,V1=10,Q=3,V2=20", "--data",
                            data_file("one_cmt_bolus.csv")});
  ASSERT_EQ(t.header, (std::vector<std::string>{"ID", "TIME", "CP", "A1", "A2"}));
  const double k10 = 0.2, k12 = 0.3, k21 = 0.15;
  const double sum = k10 + k12 + k21, product = k10 * k21;
  const double root = std::sqrt(sum * sum - 4 * product);
  const double alpha = (sum + root) / 2, beta = (sum - root) / 2;
  for (std::size_t i = 1; i < t.rows.size(); ++i) {
    const double time = t.rows[i][0];
    const double c =
        10.0 * ((alpha - k21) * std::exp(-alpha * time) + (k21 - beta) * std::exp(-beta * time)) /
        (alpha - beta);
    expect_close(t.rows[i][1], c, "CP at " + std::to_string(time));
  }
}

TEST(SimulateGoldenTest, OutFileMatchesStandardOutput) {
  const std::string out = ::testing::TempDir() + "e2e_simulate_out.csv";
  const std::vector<std::string> args = {"simulate",
                                         "--model",
                                         "one_cmt",
                                         "--param",
                                         "CL=2,V=10",
                                         "--data",
                                         data_file("one_cmt_bolus.csv")};
  const RunResult to_stdout = run_ketapath(args);
  auto with_out = args;
  with_out.push_back("--out");
  with_out.push_back(out);
  const RunResult to_file = run_ketapath(with_out);
  EXPECT_EQ(to_file.exit_code, 0) << to_file.err;
  EXPECT_EQ(to_file.out, "");
  std::ifstream in(out);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), to_stdout.out);
}

}  // namespace
}  // namespace ketapath::e2e

namespace ketapath::e2e {
namespace {

std::string example_file(const std::string& name) {
  return std::string(KETAPATH_SOURCE_DIR) + "/examples/nmtran/" + name;
}

// The documented example commands run. In the SC example the doses at 0 and 504 h (ADDL) are
// identical and 168 h apart, more than 50 half-lives of the slowest disposition phase of these
// parameters (the terminal rate constant is about 0.1 1/h), so the fourth week repeats the first
// to rounding: C(504.25) = C(0.25), C(505) = C(1).
TEST(ExamplesTest, SubcutaneousAdditionalDosesRepeatTheFirstWeek) {
  const Table t = simulate({"--model", "two_cmt_depot", "--param",
                            "KA=4,CL=79,V2=80,Q=250,V3=172,F1=0.9,ALAG1=0.05", "--data",
                            example_file("sc_depot_lag.csv")});
  ASSERT_EQ(t.rows.size(), 8u);
  expect_close(t.rows[6][1], t.rows[1][1], "C(504.25) vs C(0.25)");
  expect_close(t.rows[7][1], t.rows[3][1], "C(505) vs C(1)");
  EXPECT_GT(t.rows[1][1], 0.1);  // a 31.5 mg effective dose peaks above 100 ng/mL
}

TEST(ExamplesTest, InfusionAndOralExamplesRun) {
  const Table iv = simulate({"--model", "two_cmt", "--param", "CL=79,V1=80,Q=250,V2=172", "--data",
                             example_file("iv_infusion_addl.csv")});
  EXPECT_EQ(iv.rows.size(), 14u);
  const Table oral = simulate({"--model", "one_cmt_depot", "--param", "KA=1.2,CL=79,V=250,F1=0.2",
                               "--data", example_file("oral_ss_reset.csv")});
  ASSERT_EQ(oral.rows.size(), 7u);
  // SS=1 with II = 24 h and no later dose: the state at 0 (after the SS dose) and at 24 h differ
  // by one dose in the depot (F*AMT = 10 mg), while the central amounts match (periodicity).
  expect_close(oral.rows[0][2] - oral.rows[4][2], 10.0, "depot: one dose apart");
  expect_close(oral.rows[0][3], oral.rows[4][3], "central: periodic at steady state");
}

}  // namespace
}  // namespace ketapath::e2e
