// `ketapath simulate` on malformed data and arguments: exit code 2 (4 for an unknown model) and
// one "ketapath: error: ..." line on stderr, nothing on stdout.

#include <gtest/gtest.h>

#include "run_ketapath.h"

namespace ketapath::e2e {
namespace {

void expect_error(const RunResult& r, int exit_code, const std::string& message) {
  EXPECT_EQ(r.exit_code, exit_code) << r.err;
  EXPECT_EQ(r.err, "ketapath: error: " + message + "\n");
  EXPECT_EQ(r.out, "");
}

TEST(SimulateErrorsTest, NonNumericField) {
  const std::string file = data_file("bad_time.csv");
  expect_error(run_ketapath({"simulate", "--model", "one_cmt", "--param", "CL=2", "--param", "V=10",
                             "--data", file}),
               2, file + ":3: TIME: \"abc\" is not a number");
}

TEST(SimulateErrorsTest, CompartmentTheModelLacks) {
  const std::string file = data_file("bad_cmt.csv");
  expect_error(
      run_ketapath({"simulate", "--model", "one_cmt", "--param", "CL=2,V=10", "--data", file}), 2,
      file + ":4: CMT: \"3\" model one_cmt has no compartment 3 (it has 1 central)");
}

TEST(SimulateErrorsTest, RateWithoutAmount) {
  const std::string file = data_file("bad_rate.csv");
  expect_error(
      run_ketapath({"simulate", "--model", "one_cmt", "--param", "CL=2,V=10", "--data", file}), 2,
      file +
          ":2: RATE: \"10\" needs AMT > 0 (RATE > 0 with AMT = 0 is valid only as the "
          "steady-state constant infusion SS=1, II=0)");
}

TEST(SimulateErrorsTest, MissingParameter) {
  expect_error(run_ketapath({"simulate", "--model", "one_cmt", "--param", "CL=2", "--data",
                             data_file("one_cmt_bolus.csv")}),
               2, "one_cmt: parameter V (volume of distribution, L) is missing");
}

TEST(SimulateErrorsTest, NonPositiveParameter) {
  expect_error(run_ketapath({"simulate", "--model", "one_cmt", "--param", "CL=-1,V=10", "--data",
                             data_file("one_cmt_bolus.csv")}),
               2, "one_cmt: parameter CL must be > 0 (got -1)");
  expect_error(run_ketapath({"simulate", "--model", "one_cmt", "--param", "CL=0,V=10", "--data",
                             data_file("one_cmt_bolus.csv")}),
               2, "one_cmt: parameter CL must be > 0 (got 0)");
}

TEST(SimulateErrorsTest, UnknownParameter) {
  expect_error(run_ketapath({"simulate", "--model", "one_cmt", "--param", "CL=2,V=10,KA=1",
                             "--data", data_file("one_cmt_bolus.csv")}),
               2, "one_cmt: parameter KA is not a parameter of this model (got 1)");
}

TEST(SimulateErrorsTest, MalformedParameter) {
  expect_error(run_ketapath({"simulate", "--model", "one_cmt", "--param", "CL", "--data",
                             data_file("one_cmt_bolus.csv")}),
               2, "--param: \"CL\" must be NAME=VALUE, e.g. CL=2.5");
  expect_error(run_ketapath({"simulate", "--model", "one_cmt", "--param", "CL=two,V=10", "--data",
                             data_file("one_cmt_bolus.csv")}),
               2, "--param CL: \"two\" is not a number");
  expect_error(run_ketapath({"simulate", "--model", "one_cmt", "--param", "CL=2,cl=3,V=10",
                             "--data", data_file("one_cmt_bolus.csv")}),
               2, "--param: CL is given twice");
}

TEST(SimulateErrorsTest, UnknownModelIsNotFound) {
  const RunResult r = run_ketapath({"simulate", "--model", "four_cmt", "--param", "CL=2", "--data",
                                    data_file("one_cmt_bolus.csv")});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_EQ(
      r.err.rfind("ketapath: error: --model: \"four_cmt\" is not a model (known: one_cmt,", 0), 0u)
      << r.err;
}

TEST(SimulateErrorsTest, BadGrid) {
  const std::string data = data_file("one_cmt_bolus.csv");
  const std::vector<std::string> base = {"simulate",  "--model", "one_cmt", "--param",
                                         "CL=2,V=10", "--data",  data};
  auto with_grid = [&](const std::string& grid) {
    auto args = base;
    args.push_back("--grid");
    args.push_back(grid);
    return run_ketapath(args);
  };
  expect_error(with_grid("0:24"), 2,
               "--grid: \"0:24\" must be START:END:STEP in hours, e.g. 0:24:0.5");
  expect_error(with_grid("0:24:0"), 2, "--grid: STEP must be > 0 h (got 0 h)");
  expect_error(with_grid("5:1:1"), 2, "--grid: END must not be before START (got 5 to 1 h)");
  expect_error(with_grid("0:x:1"), 2, "--grid END: \"x\" is not a number");
}

TEST(SimulateErrorsTest, MissingDataFileIsUsageError) {
  const RunResult r = run_ketapath({"simulate", "--model", "one_cmt", "--param", "CL=2,V=10",
                                    "--data", "/nonexistent/doses.csv"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("/nonexistent/doses.csv"), std::string::npos) << r.err;
}

TEST(SimulateErrorsTest, MissingRequiredOptionIsUsageError) {
  const RunResult r = run_ketapath({"simulate", "--model", "one_cmt"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--data"), std::string::npos) << r.err;
  // --param is required with --model (not with --model-file): named once the data are given.
  const RunResult p =
      run_ketapath({"simulate", "--model", "one_cmt", "--data", data_file("bad_cmt.csv")});
  EXPECT_EQ(p.exit_code, 2);
  EXPECT_NE(p.err.find("--param: --model one_cmt needs its parameter values"), std::string::npos)
      << p.err;
}

TEST(SimulateErrorsTest, FailedRunWritesNoOutputFile) {
  const std::string out = ::testing::TempDir() + "e2e_no_output.csv";
  std::remove(out.c_str());
  const RunResult r = run_ketapath({"simulate", "--model", "one_cmt", "--param", "CL=2,V=10",
                                    "--data", data_file("bad_cmt.csv"), "--out", out});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(std::fopen(out.c_str(), "r"), nullptr);
}

TEST(HelpTest, EveryCommandHasHelp) {
  for (const std::string command : {"simulate", "models"}) {
    const RunResult r = run_ketapath({command, "--help"});
    EXPECT_EQ(r.exit_code, 0) << command;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << command << ": " << r.out;
  }
  const RunResult top = run_ketapath({"--help"});
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_NE(top.out.find("simulate"), std::string::npos);
  EXPECT_NE(top.out.find("models"), std::string::npos);
}

}  // namespace
}  // namespace ketapath::e2e
