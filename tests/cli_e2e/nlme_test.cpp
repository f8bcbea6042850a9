// `ketapath simulate` with variability and `ketapath fit`: output columns, reproducibility across
// runs and threads, PRED equal to the fixed-parameter CP, files written by fit, and the errors of
// malformed --omega/--sigma text, a non-positive-definite OMEGA and an ETA on a parameter the
// model lacks (exit 2, one "ketapath: error: ..." line, nothing on stdout).

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "run_ketapath.h"

namespace ketapath::e2e {
namespace {

const std::vector<std::string> kModel{"--model", "one_cmt", "--param", "CL=2,V=10"};

std::vector<std::string> args(std::vector<std::string> head, const std::vector<std::string>& tail) {
  head.insert(head.end(), kModel.begin(), kModel.end());
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

void expect_error(const RunResult& r, int exit_code, const std::string& message) {
  EXPECT_EQ(r.exit_code, exit_code) << r.err;
  EXPECT_EQ(r.err, "ketapath: error: " + message + "\n");
  EXPECT_EQ(r.out, "");
}

TEST(NlmeCliTest, SimulateWithVariabilityWritesNonmemColumnsReproducibly) {
  const std::string data = data_file("one_cmt_fit.csv");
  const auto run = [&](const std::vector<std::string>& extra) {
    std::vector<std::string> a = args({"simulate"}, {"--omega", "V=0.04,CL=0.09", "--sigma",
                                                     "prop=0.01,add=0.001", "--data", data});
    a.insert(a.end(), extra.begin(), extra.end());
    return run_ketapath(a);
  };
  const RunResult three = run({"--nsub", "3", "--seed", "7"});
  ASSERT_EQ(three.exit_code, 0) << three.err;
  const Table t = parse_csv(three.out);
  EXPECT_EQ(t.header,
            (std::vector<std::string>{"REP", "ID", "TIME", "DV", "IPRED", "PRED", "ETA1", "ETA2"}));
  EXPECT_EQ(t.rows.size(), 3U * 36U);  // 3 replicates x 6 subjects x 6 observations
  EXPECT_EQ(run({"--nsub", "3", "--seed", "7", "--threads", "2"}).out, three.out);
  EXPECT_NE(run({"--nsub", "3", "--seed", "8"}).out, three.out);
  // One replicate: no REP column; PRED is exactly the fixed-parameter CP.
  const Table one = parse_csv(run({}).out);
  EXPECT_EQ(one.header.front(), "ID");
  const Table fixed = parse_csv(run_ketapath(args({"simulate"}, {"--data", data})).out);
  ASSERT_EQ(one.rows.size(), fixed.rows.size());
  for (std::size_t i = 0; i < one.rows.size(); ++i) {
    EXPECT_EQ(one.rows[i][3], fixed.rows[i][1]) << i;  // PRED == CP
    EXPECT_NE(one.rows[i][2], one.rows[i][3]) << i;    // IPRED != PRED
  }
}

TEST(NlmeCliTest, SigmaAloneAddsResidualErrorOnly) {
  const Table t = parse_csv(run_ketapath(args({"simulate"}, {"--sigma", "add=0.01", "--data",
                                                             data_file("one_cmt_fit.csv")}))
                                .out);
  EXPECT_EQ(t.header, (std::vector<std::string>{"ID", "TIME", "DV", "IPRED", "PRED"}));
  for (const auto& row : t.rows) {
    EXPECT_EQ(row[2], row[3]);  // IPRED == PRED
    EXPECT_NE(row[1], row[2]);  // DV != IPRED
  }
}

TEST(NlmeCliTest, FitWritesEstimatesPredictionsAndPlots) {
  const auto dir = std::filesystem::temp_directory_path() / "ketapath_e2e_fit";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const RunResult ok = run_ketapath(args(
      {"fit"}, {"--omega", "CL,V=0.09,0.02,0.04", "--sigma", "prop=0.01,add=0.001", "--data",
                data_file("one_cmt_fit.csv"), "--out", (dir / "fit.csv").string(), "--predictions",
                (dir / "pred.csv").string(), "--plots", (dir / "plots").string(), "--vpc", "20"}));
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.err, "");
  EXPECT_EQ(ok.out.rfind("one_cmt: MAP fit of 6 subjects (36 observations with DV)\n", 0), 0U)
      << ok.out;
  EXPECT_NE(ok.out.find("6 of 6 subjects converged"), std::string::npos) << ok.out;
  std::ifstream fit(dir / "fit.csv");
  std::stringstream fit_text;
  fit_text << fit.rdbuf();
  const Table f = parse_csv(fit_text.str());
  EXPECT_EQ(f.header, (std::vector<std::string>{"ID", "OBJ", "ETA1", "ETA2", "SE_ETA1", "SE_ETA2",
                                                "CL", "V", "RSE_CL", "RSE_V", "STARTS_AGREEING",
                                                "ON_BOUND", "HESSIAN_ADJUSTED"}));
  EXPECT_EQ(f.rows.size(), 6U);
  std::ifstream pred(dir / "pred.csv");
  std::stringstream pred_text;
  pred_text << pred.rdbuf();
  const Table p = parse_csv(pred_text.str());
  EXPECT_EQ(p.header, (std::vector<std::string>{"ID", "TIME", "DV", "IPRED", "PRED", "IWRES"}));
  EXPECT_EQ(p.rows.size(), 36U);
  EXPECT_TRUE(std::filesystem::file_size(dir / "plots" / "gof.svg") > 1000);
  EXPECT_TRUE(std::filesystem::file_size(dir / "plots" / "vpc.svg") > 1000);
  std::filesystem::remove_all(dir);
}

TEST(NlmeCliTest, MalformedVariabilityIsAUsageErrorNamingIt) {
  const std::string data = data_file("one_cmt_fit.csv");
  const auto sim = [&](const std::vector<std::string>& extra) {
    std::vector<std::string> tail = extra;
    tail.insert(tail.end(), {"--data", data});
    return run_ketapath(args({"simulate"}, tail));
  };
  expect_error(sim({"--omega", "CL=abc"}), 2, "--omega CL: \"abc\" is not a number");
  expect_error(sim({"--omega", "CL,V=0.09,0.01"}), 2,
               "--omega: block CL,V needs 3 values (the lower triangle row by row), got 2");
  expect_error(sim({"--omega", "0.09"}), 2,
               "--omega: \"0.09\" is not an ETA name (write NAME=VARIANCE, or N1,N2=V11,V21,V22 "
               "for a block)");
  expect_error(sim({"--omega", "CL,V=0.09,0.1,0.04"}), 2,
               "OMEGA (ETAs CL, V) is not positive definite: a covariance is too large for its "
               "variances (each |cov(i,j)| < sqrt(var(i) var(j)), and jointly)");
  expect_error(sim({"--omega", "CL=0"}), 2, "OMEGA CL: variance must be > 0 (got 0)");
  expect_error(sim({"--omega", "KA=0.1"}), 2,
               "one_cmt: ETA on KA: KA is not a parameter of the model (it has CL, V)");
  expect_error(sim({"--sigma", "prop=0.1,foo=1"}), 2,
               "--sigma: \"foo=1\" must be prop=VARIANCE or add=VARIANCE");
  expect_error(sim({"--sigma", "add=-1"}), 2, "SIGMA add: variance must be >= 0 (got -1)");
  expect_error(sim({"--nsub", "0"}), 2, "--nsub must be >= 1 (got 0)");
}

TEST(NlmeCliTest, FitRefusesDataWithoutDvAndVpcWithoutPlots) {
  const std::string doses = data_file("one_cmt_infusion_addl.csv");
  expect_error(
      run_ketapath(args({"fit"}, {"--omega", "CL=0.09", "--sigma", "prop=0.01", "--data", doses})),
      2, doses + ": no observation record (EVID 0, MDV 0) has a DV; a fit needs DV");
  const RunResult r =
      run_ketapath(args({"fit"}, {"--omega", "CL=0.09", "--sigma", "prop=0.01", "--data",
                                  data_file("one_cmt_fit.csv"), "--vpc", "10"}));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--plots"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ketapath::e2e
