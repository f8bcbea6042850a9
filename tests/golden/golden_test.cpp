// Byte-identical outputs (issue 8 acceptance): what users read must not change when the code
// underneath is reorganised. Three outputs are compared byte for byte with files committed in
// tests/golden/expected/:
//   - `ketapath trial glue2017 --replicates 500 --seed 1 --format json`,
//   - `ketapath population glue2017 --subjects 100000 --seed 3` (its wall-time line goes to
//     stderr and is not compared),
//   - a whole clinic day on a real SQLite database with a fixed injected clock: the demo's five
//     patients (screening, clearance refusal, consent, courses, sessions, alerts, response,
//     maintenance) through ClinicService, then every audit entry (actor, action, entity, before
//     and after JSON, hash chain) and each patient's letter.
// A difference prints the first differing line. To accept an intended change, run with
// KETAPATH_UPDATE_GOLDEN=1 (rewrites the expected files) and explain the change in the commit.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "clinic/service/demo.h"
#include "clinic/service/report.h"
#include "clinic/service/service.h"
#include "clinic/domain/time.h"
#include "store/open.h"
#include "support/must.h"
#include "support/shell.h"

namespace ketapath {
namespace {

namespace fs = std::filesystem;
using testing::must;

fs::path expected_path(const std::string& name) {
  return fs::path(KETAPATH_SOURCE_DIR) / "tests" / "golden" / "expected" / name;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Compares `actual` with the expected file byte for byte, naming the first differing line.
void expect_golden(const std::string& name, const std::string& actual) {
  const fs::path path = expected_path(name);
  if (const char* update = std::getenv("KETAPATH_UPDATE_GOLDEN"); update && *update == '1') {
    std::ofstream(path, std::ios::binary) << actual;
    GTEST_SKIP() << "rewrote " << path;
  }
  ASSERT_TRUE(fs::exists(path)) << path << " is missing (run with KETAPATH_UPDATE_GOLDEN=1)";
  const std::string expected = read_file(path);
  if (expected == actual) {
    return;
  }
  std::istringstream a(actual);
  std::istringstream e(expected);
  std::string la;
  std::string le;
  int line = 0;
  while (true) {
    ++line;
    const bool more_a = static_cast<bool>(std::getline(a, la));
    const bool more_e = static_cast<bool>(std::getline(e, le));
    if (!more_a && !more_e) {
      break;
    }
    if (la != le || more_a != more_e) {
      ADD_FAILURE() << name << ": line " << line << " differs\n  expected: " << le
                    << "\n  actual:   " << la;
      return;
    }
  }
  ADD_FAILURE() << name << ": differs (line endings or a trailing byte)";
}

std::string ketapath_output(const std::string& args) {
  const auto r = testing::run_shell(std::string(KETAPATH_BINARY_DIR) + "/src/cli/ketapath " + args +
                                    " 2>/dev/null");
  EXPECT_EQ(r.exit_code, 0) << args;
  return r.out;
}

TEST(Golden, TrialReportIsByteIdentical) {
  expect_golden("trial_glue2017_r500_s1.json",
                ketapath_output("trial glue2017 --replicates 500 --seed 1 --format json"));
}

TEST(Golden, PopulationReportIsByteIdentical) {
  expect_golden("population_glue2017_n100000_s3.txt",
                ketapath_output("population glue2017 --subjects 100000 --seed 3"));
}

TEST(Golden, ClinicDayIsByteIdentical) {
  const fs::path dir =
      fs::temp_directory_path() / ("ketapath-golden-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const clinic::Timestamp now = must(clinic::parse_timestamp("2026-11-20T12:00:00Z"));
  std::string out;
  {
    auto db = must(store::open_database("sqlite:" + (dir / "clinic.db").string()));
    clinic::ClinicService admin(*db, "demo.admin", [now] { return now; });
    must(admin.initialize());
    must(admin.add_user("demo.admin", {clinic::Role::Admin}));
    const auto summary = must(clinic::fill_demo(admin, 42, 5));
    for (const auto& story : summary.stories) {
      out += "story: " + story + "\n";
    }
    const auto entries = must(db->audit().entries(1, 100000));
    for (const auto& e : entries) {
      out += fmt::format("audit {} {} {} {} {}\n  before {}\n  after  {}\n  hash {} <- {}\n",
                         e.sequence, clinic::format_timestamp(e.record.at), e.record.actor,
                         e.record.action, e.record.entity, e.record.before_json,
                         e.record.after_json, e.hash, e.previous_hash);
    }
    for (const clinic::PatientId id : summary.patients) {
      // The letter's data as the CLI and the server gather it (ClinicService::report_data).
      const clinic::ReportData data = must(admin.report_data(id));
      out += fmt::format("===== letter for patient {}\n", id.value());
      out += clinic::render_report(data, clinic::ReportFormat::Markdown);
    }
    EXPECT_TRUE(must(db->audit().verify()).intact);
  }
  fs::remove_all(dir);
  expect_golden("clinic_day_demo42_n5.txt", out);
}

}  // namespace
}  // namespace ketapath
