#pragma once
// The `ketapath clinic` command run end to end on a temporary SQLite database, for the CLI tests
// of the clinic's workflow (alerts, follow-ups, courses, response, the letter).

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include "administration.h"
#include "support/shell.h"

namespace ketapath::test {

using CliOutcome = ketapath::testing::ShellOutcome;

/// "YYYY-MM-DD" of the Monday on or before `from` plus `offset` days.
inline std::string monday_plus(std::chrono::sys_days from, int offset) {
  using namespace std::chrono;
  while (weekday(from) != Monday) {
    from -= days(1);
  }
  const year_month_day ymd(from + days(offset));
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return text;
}

/// Today, read once per process, so a run across midnight keeps its calendar.
inline std::chrono::sys_days test_today() {
  static const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  return today;
}

/// A day of the CLI tests' calendar: day 0 is the Monday 21 to 27 days before today, test_day(2)
/// the Wednesday after; the tests use days -3 to 14, all in the past. The CLI runs on the real
/// clock (a spawned process cannot be given the tests' clock) and refuses records more than a
/// year old (screenings, sessions, course starts), so fixed dates expire: the first tests were
/// written with January 2026 dates and would have failed from January 2027. Day 0 was 26 weeks
/// back until every session needed an order (issue 15), whose day must be within 30 days of
/// today (`dose --date`).
inline std::string test_day(int offset) {
  return monday_plus(test_today() - std::chrono::days(21), offset);
}

/// For the tests that need days ahead (a reschedule must not be in the past): day 0 is this
/// week's Monday (today or up to 6 days ago).
inline std::string this_week_day(int offset) {
  return monday_plus(test_today(), offset);
}

class ClinicCliFixture : public ::testing::Test {
 protected:
  using json = nlohmann::json;

  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ketapath-clinic-flow-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    db_ = "sqlite:" + (dir_ / "clinic.db").string();
    ASSERT_EQ(run("init").exit_code, 0) << last_error();
    // The acting users: test.nurse may do everything (as in cli_test.cpp), dr.lee signs letters.
    ASSERT_EQ(run("user add test.nurse --role admin --role prescriber --role nurse").exit_code, 0)
        << last_error();
    ASSERT_EQ(run("user add dr.lee --role prescriber").exit_code, 0) << last_error();
    // Sessions here name no stock lot: a clinic upgraded to custody that has not turned it on
    // (fixtures.h without_custody; custody's own tests: tests/store/custody_test.cpp).
    ASSERT_EQ(run("settings set --key custody_policy --file " +
                  write("custody-off.json", {{"require_lot", false}}))
                  .exit_code,
              0)
        << last_error();
  }

  void TearDown() override { std::filesystem::remove_all(dir_); }

  /// Runs `ketapath clinic --db DB --user USER ARGS`; stderr goes to last_error().
  CliOutcome run(const std::string& args, const std::string& user = "test.nurse") {
    const std::string command = std::string(KETAPATH_BINARY_DIR) +
                                "/src/cli/ketapath clinic --db " + db_ + " --user " + user + " " +
                                args + " 2>" + (dir_ / "err").string();
    return ketapath::testing::run_shell(command);
  }

  std::string last_error() const {
    std::ifstream in(dir_ / "err");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  std::string write(const std::string& name, const json& j) const {
    const auto p = dir_ / name;
    std::ofstream(p) << j.dump();
    return p.string();
  }

  static std::string example(const std::string& name) {
    return std::string(KETAPATH_SOURCE_DIR) + "/examples/clinic/" + name;
  }

  /// A 70 kg patient with a GAD diagnosis and history, screened eligible with the example
  /// answers (what the clearance gate needs).
  int add_cleared_patient(const std::string& weight_date = test_day(-3)) {
    const auto r = run(
        "patient add --name 'Test Patient' --birth-date 1980-01-02 --sex F --weight-kg 70 "
        "--weight-date " +
        weight_date + " --diagnosis gad:F41.1 --history " + example("history.json") + " --json");
    EXPECT_EQ(r.exit_code, 0) << last_error();
    if (r.exit_code != 0) {
      return 0;
    }
    const int id = json::parse(r.out).at("id").get<int>();
    // The clearance gate: consent, and an eligible screening on the weighing day (valid 90 days).
    const auto c = run("consent record --patient " + std::to_string(id) + " --date " + weight_date +
                       " --version v1 --witness 'W. Itness'");
    EXPECT_EQ(c.exit_code, 0) << last_error();
    const auto s = run("screen --patient " + std::to_string(id) + " --date " + weight_date +
                       " --input " + example("screening.json") + " --json");
    EXPECT_EQ(s.exit_code, 0) << last_error();
    return id;
  }

  /// The example session for `patient`, moved to `day` (YYYY-MM-DD), without course links.
  static json session_on(int patient, const std::string& day) {
    json s = json::parse(std::ifstream(example("session.json")));
    s["patient"] = patient;
    s.erase("course");
    s.erase("course_session");
    s.erase("dose_record");  // the example's order and double check: ready() makes this one's
    s.erase("double_check");
    s.erase("checklist");  // ready() fills one for the new day
    const auto move = [&](json& v) {
      std::string t = v.get<std::string>();
      v = day + t.substr(10);
    };
    for (const char* k : {"started_at", "ended_at", "dose_ended_at"}) {
      move(s[k]);
    }
    for (auto* list : {&s["vitals"], &s["ratings"], &s["adverse_events"]}) {
      for (auto& e : *list) {
        move(e["at"]);
      }
    }
    move(s["discharge"]["at"]);
    return s;
  }

  /// Session JSON `s` with its order, a second user's double check and a complete checklist
  /// (administration.h), ordered by test.nurse (a prescriber).
  json ready(json s) {
    return ketapath::testing::administration_json(
        [this](const std::string& user, const std::string& args) { return run(args, user); },
        std::move(s), "test.nurse");
  }

  json alerts(int patient) {
    const auto r = run("alert list --patient " + std::to_string(patient) + " --json");
    EXPECT_EQ(r.exit_code, 0) << last_error();
    return r.exit_code == 0 ? json::parse(r.out).at("alerts") : json::array();
  }

  int audit_entries() {
    const auto r = run("audit verify --json");
    EXPECT_EQ(r.exit_code, 0) << last_error();
    return r.exit_code == 0 ? json::parse(r.out).at("entries").get<int>() : -1;
  }

  std::filesystem::path dir_;
  std::string db_;
};

}  // namespace ketapath::test
