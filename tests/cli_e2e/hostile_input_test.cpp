// Issue 10 items 2, 3, 5: one-line hostile inputs to predict, trial, population and simulate get
// a clear refusal naming the flag or file/field, with exit 2 (malformed) or 3 (refused by a
// limit of docs/limits.md), in bounded time: never a library exception, a crash or a hang.

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

#include "run_ketapath.h"

namespace ketapath::e2e {
namespace {

namespace fs = std::filesystem;

// Refused with `exit_code`, one "ketapath: error: ..." line containing `needle`, no output, fast.
void expect_refused(const std::vector<std::string>& args, int exit_code,
                    const std::string& needle) {
  const auto start = std::chrono::steady_clock::now();
  const RunResult r = run_ketapath(args);
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start);
  EXPECT_EQ(r.exit_code, exit_code) << r.err;
  EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("internal error"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("std::"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("json.exception"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_LT(seconds.count(), 10.0);
}

std::vector<std::string> predict(std::initializer_list<std::string> extra) {
  std::vector<std::string> args{"predict", "--route", "iv", "--dose", "0.5mg/kg"};
  args.insert(args.end(), extra);
  return args;
}

TEST(HostileInput, PredictSizesAreBoundedBeforeAllocating) {
  expect_refused(predict({"--hours", "1e308"}), 3,
                 "--hours must be <= 87600 h (got 1e+308 h) (a limit of docs/limits.md)");
  expect_refused(predict({"--hours", "1e9"}), 3, "--hours must be <= 87600 h");
  expect_refused(predict({"--step-min", "1e-9"}), 3,
                 "--hours/--step-min: output points must be <= 1000000");
  expect_refused(predict({"--duration-min", "1e308"}), 3,
                 "--duration-min must be <= 10080 min (got 1e+308 min)");
  expect_refused(predict({"--hours", "0"}), 2, "--hours must be > 0 h (got 0 h)");
}

TEST(HostileInput, NonFiniteAndHexNumbersAreRefusedOnEveryFlag) {
  for (const char* bad : {"inf", "-inf", "nan", "0x1p3", "1e309", "1e"}) {
    expect_refused(predict({"--hours", bad}), 2, "is not a finite decimal number");
    expect_refused(predict({"--weight-kg", bad}), 2, "--weight-kg");
  }
  expect_refused({"population", "glue2017", "--subjects", "-1"}, 2,
                 "is not a non-negative whole number");
  expect_refused({"trial", "glue2017", "--replicates", "0x10"}, 2, "is not a whole number");
}

TEST(HostileInput, RunSizesAreBounded) {
  expect_refused({"trial", "glue2017", "--replicates", "1000000000"}, 3,
                 "trial: replicates must be 1-100000");
  expect_refused({"population", "glue2017", "--subjects", "1000000000000"}, 3,
                 "population: --subjects must be 1-100000000");
}

class HostileDesign : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ketapath-hostile-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    std::ifstream in(std::string(KETAPATH_SOURCE_DIR) + "/designs/clinic_iv.toml");
    std::stringstream text;
    text << in.rdbuf();
    base_ = text.str();
  }

  void TearDown() override { fs::remove_all(dir_); }

  // The bundled clinic_iv design with one substring replaced, written to a file.
  std::string mutate(const std::string& from, const std::string& to) {
    std::string text = base_;
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    const fs::path path = dir_ / "design.toml";
    std::ofstream(path) << text;
    return path.string();
  }

  fs::path dir_;
  std::string base_;
};

TEST_F(HostileDesign, ScheduleSizesAreBounded) {
  const std::string interval = "schedule = { every_days = 14, count = 4 }";
  expect_refused({"trial", mutate(interval, "schedule = { every_days = 14, count = 1000000000 }"),
                  "--replicates", "1"},
                 3, "schedule: count must be 1-10000 doses (got 1000000000 doses)");
  expect_refused(
      {"trial", mutate(interval, "schedule = { every_h = 1e-9, count = 4 }"), "--replicates", "1"},
      3, "schedule: interval must be >= 1 min (got 6");
  expect_refused({"trial",
                  mutate("schedule = { per_week = 1, weeks = 4 }",
                         "schedule = { per_week = 1, weeks = 1000000000 }"),
                  "--replicates", "1"},
                 3, "schedule: weeks must be 1-520 weeks");
  expect_refused({"trial",
                  mutate("schedule = { count = 6, per_week = 3 }",
                         "schedule = { count = 1000000000, per_week = 3 }"),
                  "--replicates", "1"},
                 3, "schedule: count must be 1-10000 doses");
}

TEST_F(HostileDesign, SubjectsAndInfusionsAreBounded) {
  expect_refused({"trial", mutate("subjects = 30", "subjects = 1000000000"), "--replicates", "1"},
                 3, "subjects must be 1-100000");
  expect_refused(
      {"trial", mutate("infusion_min = 40", "infusion_min = 1e308"), "--replicates", "1"}, 3,
      "infusion duration must be <= 10080 min");
  expect_refused({"trial", mutate("infusion_min = 40", "infusion_min = nan"), "--replicates", "1"},
                 2, "infusion_min: must be a finite number");
}

// Found by review: assessment times and doses had no ceiling, so 1e308 hung (ratings) or
// overflowed to an "inf mg" message without the file (doses).
TEST_F(HostileDesign, AssessmentTimesAndDosesAreBounded) {
  for (const char* key : {"ratings_h = [0, 3, 24, 72, ", "cadss_h = [", "vitals_h = ["}) {
    expect_refused({"trial", mutate(key, std::string(key) + "1e308, "), "--replicates", "1"}, 3,
                   "must be 0-87600 h (got 1e+308 h)");
  }
  expect_refused(
      {"trial", mutate("dose_mg_per_kg = 0.5", "dose_mg_per_kg = 1e308"), "--replicates", "1"}, 3,
      "dose_mg_per_kg: value must be 0-1000 mg/kg (got 1e+308 mg/kg)");
  expect_refused(
      {"trial", mutate("dose_mg_per_kg = 0.5", "dose_mg_per_kg = -0.5"), "--replicates", "1"}, 2,
      "dose_mg_per_kg: value must be >= 0 mg/kg (got -0.5 mg/kg)");
}

TEST(HostileInput, FiniteInputThatOverflowsIsRefusedNotPrinted) {
  expect_refused({"predict", "--route", "iv", "--dose", "1e308mg"}, 3,
                 "--dose must be 0-100000 mg (got 1e+308 mg)");
  expect_refused({"predict", "--route", "iv", "--dose", "1e300mg/kg"}, 3,
                 "--dose must be 0-100000");
}

TEST_F(HostileDesign, NmtranAddlIsBounded) {
  const fs::path path = dir_ / "addl.csv";
  std::ofstream(path) << "ID,TIME,AMT,II,ADDL,EVID\n1,0,100,1,999999999,1\n1,1,.,.,.,0\n";
  expect_refused(
      {"simulate", "--model", "one_cmt", "--param", "CL=2,V=10", "--data", path.string()}, 3,
      path.string() +
          ":2: ADDL must be 0-100000 additional doses (got 999999999 additional doses) (a limit "
          "of docs/limits.md)");
}

TEST_F(HostileDesign, SimulationThatOverflowsIsAFailureNotOutput) {
  const fs::path path = dir_ / "dose.csv";
  std::ofstream(path) << "ID,TIME,AMT,EVID\n1,0,1e308,1\n1,1,.,0\n";
  const RunResult r = run_ketapath(
      {"simulate", "--model", "one_cmt", "--param", "CL=1e308,V=1e-308", "--data", path.string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find(path.string() + ":3: ID 1 at TIME 1: the model's amounts or concentration "
                                       "are not finite numbers"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace ketapath::e2e
