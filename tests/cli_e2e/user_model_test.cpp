// `ketapath simulate` and `ketapath fit` with --model-file (docs/user-models.md): the NONMEM
// columns from a user model, the time-varying WT actually read (even IDs gain weight), the same
// bytes on 1 and 2 threads, a fit of the example data set, and the refusals: --param beside a
// model file, neither or both models, and a model file's own errors with file, line and symbol.

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "run_ketapath.h"

namespace ketapath::e2e {
namespace {

std::string repo(const std::string& path) {
  return std::string(KETAPATH_SOURCE_DIR) + "/" + path;
}

const std::string kModel = repo("models/user/two_cmt_wt.toml");
const std::string kData = repo("examples/nmtran/two_cmt_wt_obs.csv");

void expect_error(const RunResult& r, const std::string& message) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.err, "ketapath: error: " + message + "\n");
  EXPECT_EQ(r.out, "");
}

TEST(UserModelCliTest, SimulateWritesNonmemColumnsFromTheModelFile) {
  const RunResult one = run_ketapath(
      {"simulate", "--model-file", kModel, "--data", kData, "--nsub", "2", "--seed", "7"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  const Table t = parse_csv(one.out);
  EXPECT_EQ(t.header,
            (std::vector<std::string>{"REP", "ID", "TIME", "DV", "IPRED", "PRED", "ETA1", "ETA2"}));
  EXPECT_EQ(t.rows.size(), 2U * 20U * 11U);
  const RunResult two = run_ketapath({"simulate", "--model-file", kModel, "--data", kData, "--nsub",
                                      "2", "--seed", "7", "--threads", "2"});
  EXPECT_EQ(two.out, one.out);
}

TEST(UserModelCliTest, AnOdeModelRunsCompiledOrSaysWhyNot) {
  const std::string ode = repo("models/user/two_cmt_wt_ode.toml");
  const std::vector<std::string> args{"simulate", "--model-file", ode, "--data", kData};
  const RunResult compiled = run_ketapath(args);
  ASSERT_EQ(compiled.exit_code, 0) << compiled.err;
  EXPECT_EQ(compiled.err, "");
  ::setenv("KETAPATH_CXX", "none", 1);
  const RunResult interpreted = run_ketapath(args);
  ::unsetenv("KETAPATH_CXX");
  ASSERT_EQ(interpreted.exit_code, 0) << interpreted.err;
  EXPECT_EQ(interpreted.err, "note: " + ode +
                                 ": $DES runs interpreted on muparser (slower): compilation is "
                                 "off (KETAPATH_CXX=none)\n");
  // The same numbers either way, to the printed precision.
  EXPECT_EQ(interpreted.out, compiled.out);
}

TEST(UserModelCliTest, TheTimeVaryingWeightIsRead) {
  // ID 2 gains 0.5 kg per record: with its WT column frozen at the first value PRED differs.
  const std::string frozen =
      (std::filesystem::temp_directory_path() / "ketapath_e2e_frozen_wt.csv").string();
  {
    std::ifstream in(kData);
    std::ofstream out(frozen);
    std::string line;
    std::getline(in, line);
    out << line << '\n';
    while (std::getline(in, line)) {
      if (line.rfind("2,", 0) == 0)
        line = line.substr(0, line.rfind(',')) + ",60";
      out << line << '\n';
    }
  }
  const Table varying = parse_csv(
      run_ketapath({"simulate", "--model-file", kModel, "--data", kData, "--seed", "1"}).out);
  const Table constant = parse_csv(
      run_ketapath({"simulate", "--model-file", kModel, "--data", frozen, "--seed", "1"}).out);
  ASSERT_EQ(varying.rows.size(), constant.rows.size());
  int differ = 0;
  for (std::size_t i = 0; i < varying.rows.size(); ++i) {
    if (varying.ids[i] == "2")
      differ += varying.rows[i][3] != constant.rows[i][3];  // PRED
    else
      EXPECT_EQ(varying.rows[i][3], constant.rows[i][3]) << i;
  }
  EXPECT_EQ(differ, 10);  // every ID 2 row but the first (its WT is 60 there too)
  std::filesystem::remove(frozen);
}

TEST(UserModelCliTest, FitTheExampleDataSet) {
  const RunResult r = run_ketapath({"fit", "--model-file", kModel, "--data", kData});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("two_cmt_wt: MAP fit of 20 subjects (220 observations with DV)\n", 0), 0U)
      << r.out;
  EXPECT_NE(r.out.find("20 of 20 subjects converged"), std::string::npos) << r.out;
  // subjects.csv reports each subject's own $PK values at its first record: ID 1 weighs 57.5 kg
  // there, so CL = 79 * (57.5/70)^0.75 * exp(ETA1), and Q, with no ETA, has no uncertainty.
  const std::string path =
      ::testing::TempDir() + "/user_fit_subjects_" + std::to_string(::getpid()) + ".csv";
  const RunResult out =
      run_ketapath({"fit", "--model-file", kModel, "--data", kData, "--out", path});
  ASSERT_EQ(out.exit_code, 0) << out.err;
  std::ifstream file(path);
  const std::string text((std::istreambuf_iterator<char>(file)), {});
  const Table t = parse_csv(text);
  const std::vector<std::string> want{"ID", "OBJ", "ETA1", "ETA2", "SE_ETA1", "SE_ETA2",
                                      "CL", "V1", "Q", "V2", "RSE_CL", "RSE_V1", "RSE_Q",
                                      "RSE_V2", "STARTS_AGREEING", "ON_BOUND", "HESSIAN_ADJUSTED"};
  ASSERT_EQ(t.header, want);
  ASSERT_EQ(t.ids.front(), "1");
  const std::vector<double>& row = t.rows.front();  // the columns after ID
  const double eta1 = row[1];
  EXPECT_NEAR(row[5], 79.0 * std::pow(57.5 / 70.0, 0.75) * std::exp(eta1), 1e-9 * row[5]);
  EXPECT_NEAR(row[7], 250.0 * std::pow(57.5 / 70.0, 0.75), 1e-9 * row[7]);
  EXPECT_GT(row[9], 0.0);  // RSE_CL
  EXPECT_EQ(row[11], 0.0);  // RSE_Q
  std::filesystem::remove(path);
}

TEST(UserModelCliTest, Refusals) {
  expect_error(
      run_ketapath({"simulate", "--model-file", kModel, "--param", "CL=2", "--data", kData}),
      "--param: the model file " + kModel +
          " states its own THETAs, OMEGA and SIGMA; change them there");
  expect_error(run_ketapath({"simulate", "--data", kData}),
               "give --model NAME (a catalogue model) or --model-file FILE (a user model), one "
               "of them");
  expect_error(run_ketapath({"fit", "--model", "one_cmt", "--model-file", kModel, "--data", kData}),
               "give --model NAME (a catalogue model) or --model-file FILE (a user model), not "
               "both");
  const std::string broken =
      (std::filesystem::temp_directory_path() / "ketapath_e2e_broken.toml").string();
  {
    std::ifstream in(kModel);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    text.replace(text.find("V2 = TVV2"), 9, "V2 = TVV3");
    std::ofstream(broken) << text;
  }
  const RunResult r = run_ketapath({"simulate", "--model-file", broken, "--data", kData});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "ketapath: error: " + broken +
                       ":53: pk: \"V2 = TVV3\": unknown symbol \"TVV3\" (not a THETA, covariate, "
                       "ETA, amount or earlier assignment)\n");
  std::filesystem::remove(broken);
}

}  // namespace
}  // namespace ketapath::e2e
