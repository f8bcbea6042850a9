// The `ketapath clinic` command end to end on a temporary SQLite database: the acceptance dose
// through the CLI JSON, the exit codes of refusals, and that a refusal stores nothing.

#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "administration.h"
#include "clinic/service/service.h"
#include "support/shell.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Dates relative to the real clock (the CLI uses it): today + offset days, "YYYY-MM-DD".
std::string day(int offset) {
  const auto t = std::chrono::system_clock::now() + std::chrono::days(offset);
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buffer[16];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &tm);
  return buffer;
}

std::time_t hours_ago(int hours) {
  return std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() -
                                              std::chrono::hours(hours));
}

std::string fmt_dose(double mg_per_kg) {
  std::ostringstream s;
  s << mg_per_kg << "mg/kg";
  return s.str();
}

// Every answer of a screening given: GAD criteria met, no contraindication.
json eligible_answers() {
  return json::parse(R"({
    "gad": {"worry_duration_months": 36, "worry_more_days_than_not": true,
            "worry_hard_to_control": true, "restlessness": true, "easily_fatigued": true,
            "poor_concentration": false, "irritability": true, "muscle_tension": true,
            "sleep_disturbance": true, "distress_or_impairment": true,
            "not_better_explained": true},
    "contraindications": {"uncontrolled_hypertension": false, "aneurysm_or_avm": false,
            "intracranial_bleed_history": false, "psychosis": false, "pregnancy": false,
            "active_substance_use_disorder": false, "current_depression": false,
            "ischaemic_heart_or_cerebrovascular_disease": false,
            "raised_intracranial_pressure": false, "severe_hepatic_impairment": false,
            "interacting_medication": false}})");
}

// The risk the forecast-accept dose path is asked at: one at which the prepared responder's
// plan is within it (the control case asserts it is accepted). On this model even a strong
// responder's schedules lose response within 12 weeks with P above 0.99 under the objective of
// most weeks in response per infusion (docs/model.md), so the test asks a loose risk: it tests
// the gates, not the model.
constexpr const char* kForecastRisk = "0.999";

struct Counts {
  int audit = 0;
  int sessions = 0;
  int courses = 0;
  bool operator==(const Counts&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Counts& c) {
  return out << "audit " << c.audit << ", sessions " << c.sessions << ", courses " << c.courses;
}

using Outcome = ketapath::testing::ShellOutcome;

class ClinicCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ketapath-clinic-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = "sqlite:" + (dir_ / "clinic.db").string();
    ASSERT_EQ(run("init").exit_code, 0);
    ASSERT_EQ(run("user add test.nurse --role admin --role prescriber --role nurse").exit_code, 0)
        << last_error();
    // Sessions here name no stock lot: a clinic upgraded to custody that has not turned it on
    // (fixtures.h without_custody; custody's own tests: tests/store/custody_test.cpp).
    ASSERT_EQ(run("settings set --key custody_policy --file " +
                  write("custody-off.json", {{"require_lot", false}}))
                  .exit_code,
              0)
        << last_error();
  }

  void TearDown() override { fs::remove_all(dir_); }

  Outcome run(const std::string& args) { return run_as("test.nurse", args); }

  /// Session JSON `s` with its order, a second user's double check and a complete checklist
  /// (administration.h), ordered by test.nurse (a prescriber).
  json ready(json s) {
    return ketapath::testing::administration_json(
        [this](const std::string& user, const std::string& args) { return run_as(user, args); },
        std::move(s), "test.nurse");
  }

  Outcome run_as(const std::string& user, const std::string& args) {
    return run_raw("clinic " + (db_.empty() ? std::string() : "--db '" + db_ + "' ") + "--user " +
                   user + " " + args);
  }

  /// `ketapath ARGS` (after the env_ prefixes), stdout captured, stderr in last_error().
  Outcome run_raw(const std::string& args) {
    const std::string command = env_ + std::string(KETAPATH_BINARY_DIR) + "/src/cli/ketapath " +
                                args + " 2>" + (dir_ / "err").string();
    return ketapath::testing::run_shell(command);
  }

  std::string last_error() {
    std::ifstream in(dir_ / "err");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  /// A GAD patient with a failed adequate antidepressant trial, weighed `weight_date` (default
  /// 5 days ago).
  int add_patient(const std::string& weight = "70", const std::string& weight_date = "") {
    const auto r =
        run("patient add --name 'Test Patient' --birth-date 1980-01-02 --sex F "
            "--diagnosis gad:F41.1 --history " +
            std::string(KETAPATH_SOURCE_DIR) + "/examples/clinic/history.json " + "--weight-kg " +
            weight + " --weight-date " + (weight_date.empty() ? day(-5) : weight_date) + " --json");
    EXPECT_EQ(r.exit_code, 0) << last_error();
    return r.exit_code == 0 ? json::parse(r.out).at("id").get<int>() : 0;
  }

  /// Consent 4 days ago and an eligible screening 3 days ago: the patient passes the gate.
  void clear(int id) {
    const std::string p = " --patient " + std::to_string(id);
    ASSERT_EQ(run("consent record" + p + " --date " + day(-4) +
                  " --version 'ketamine v1' "
                  "--witness 'nurse Kim'")
                  .exit_code,
              0)
        << last_error();
    const auto s = run("screen" + p + " --date " + day(-3) + " --json --input " +
                       write("eligible.json", eligible_answers()));
    ASSERT_EQ(s.exit_code, 0) << last_error();
    ASSERT_EQ(json::parse(s.out).at("result").at("eligibility"), "eligible") << s.out;
  }

  /// The example session for patient `id`, moved to start at `start` (every time shifted alike),
  /// without its course.
  json session_at(int id, std::time_t start) {
    json s = json::parse(
        std::ifstream(std::string(KETAPATH_SOURCE_DIR) + "/examples/clinic/session.json"));
    s["patient"] = id;
    s.erase("course");
    s.erase("course_session");
    s.erase("dose_record");  // the example's order and double check: ready() makes this one's
    s.erase("double_check");
    const auto parse = [](const std::string& text) {
      std::tm tm{};
      strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
      return timegm(&tm);
    };
    const std::time_t shift = start - parse(s.at("started_at").get<std::string>());
    std::function<void(json&)> move = [&](json& j) {
      if (j.is_object() || j.is_array()) {
        for (auto& v : j) {
          move(v);
        }
      } else if (j.is_string() && j.get<std::string>().size() == 20 &&
                 j.get<std::string>()[10] == 'T') {
        const std::time_t t = parse(j.get<std::string>()) + shift;
        std::tm tm{};
        gmtime_r(&t, &tm);
        char buffer[32];
        std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
        j = buffer;
      }
    };
    move(s);
    return s;
  }

  /// What a refusal must leave unchanged: the audit log's length, the patient's sessions and
  /// courses (every stored dose record is an audited write, so the audit length covers them).
  Counts counts(int id) {
    Counts c;
    c.audit = audit_entries();
    const auto report = run("report --patient " + std::to_string(id) + " --json");
    EXPECT_EQ(report.exit_code, 0) << last_error();
    c.sessions = json::parse(report.out).at("sessions").get<int>();
    const auto courses = run("course show --patient " + std::to_string(id) + " --json");
    EXPECT_EQ(courses.exit_code, 0) << last_error();
    const json cj = json::parse(courses.out);
    c.courses =
        static_cast<int>(cj.is_array() ? cj.size() : cj.value("courses", json::array()).size());
    return c;
  }

  /// For the forecast-accept dose path: three SC 1 mg/kg doses 66, 42 and 18 h ago with HAM-A
  /// falling (a responder; refused, and so absent, when the case took the clearance away), the
  /// drug library (`library`, as initialised) lowered below the 1 mg/kg given when `mg_per_kg` is
  /// above the soft (0.75) or hard (1.5) IV limit, and the accept of what `forecast` shows.
  std::string prepare_forecast(int id, double mg_per_kg, const json& library,
                               const std::string& lot_flag = "") {
    EXPECT_EQ(
        run("drug set --file " + write("library.json", library.is_array() ? library[0] : library))
            .exit_code,
        0)
        << last_error();
    const std::array<std::pair<int, int>, 3> ham_a{{{26, 8}, {8, 5}, {5, 3}}};
    for (std::size_t k = 0; k < ham_a.size(); ++k) {
      json s = session_at(id, hours_ago(66 - 24 * static_cast<int>(k)));
      s["route"] = "sc";  // SC 1 mg/kg: one injection, no infusion to document
      s["dose_mg_per_kg"] = 1.0;
      s.erase("dose_mg");
      s["dose_ended_at"] = s.at("started_at");
      for (json& r : s.at("ratings")) {
        if (r.at("scale") == "ham-a") {
          const int total =
              r.at("at") == s.at("ratings")[0].at("at") ? ham_a[k].first : ham_a[k].second;
          std::vector<int> items(14, 0);
          for (int i = 0; i < total; ++i) {
            items[static_cast<std::size_t>(i % 14)] += 1;
          }
          r["items"] = items;
          r.erase("total");
        }
      }
      // Refused without clearance: then there is no history.
      run("session record " + write("history.json", ready(s)) + lot_flag);
    }
    if (mg_per_kg > 0.75) {
      json lowered = library.is_array() ? library[0] : library;
      for (json& l : lowered.at("limits")) {
        if (l.at("route") == "sc") {
          l["soft_max_mg_per_kg"] = 0.9;
          if (mg_per_kg > 1.5) {
            l["hard_max_mg_per_kg"] = 0.95;
          }
        }
      }
      EXPECT_EQ(run("drug set --file " + write("lowered.json", lowered)).exit_code, 0)
          << last_error();
    }
    const auto shown = run("forecast --patient " + std::to_string(id) + " --risk " +
                           std::string(kForecastRisk) + " --json");
    EXPECT_EQ(shown.exit_code, 0) << last_error();
    const json rec = json::parse(shown.out).value("recommendation", json::object());
    const bool proposed = rec.contains("next_date") && rec.at("next_date").is_string();
    return "forecast accept --patient " + std::to_string(id) + " --risk " +
           std::string(kForecastRisk) + " --next " +
           (proposed ? rec.at("next_date").get<std::string>() : day(1)) + " --interval " +
           std::to_string(proposed ? rec.at("interval_days").get<int>() : 7);
  }

  std::string write(const std::string& name, const json& j) {
    const fs::path p = dir_ / name;
    std::ofstream(p) << j.dump();
    return p.string();
  }

  /// Audit entries of clinical writes: every entry minus the chart-access log's. The CLI writes
  /// each chart read at once as its own "chart.access" entry (clinic/service/chart_access_log.h),
  /// and reads (this fixture's own included) are not writes a refusal must leave unchanged.
  int audit_entries() {
    const auto r = run("audit verify --json");
    EXPECT_EQ(r.exit_code, 0) << last_error();
    const auto reads = run("access-log --limit 10000 --json");
    EXPECT_EQ(reads.exit_code, 0) << last_error();
    const auto logged = json::parse(reads.out).at("chart_access").size();
    EXPECT_LT(logged, 10000U) << "raise the access-log limit";
    return json::parse(r.out).at("entries").get<int>() - static_cast<int>(logged);
  }

  /// Runs sqlite3 on the test's database file (raw SQL, bypassing Ketapath); returns stdout.
  std::string sqlite(const std::string& sql) {
    const std::string command =
        "sqlite3 '" + (dir_ / "clinic.db").string() + "' \"" + sql + "\" 2>&1";
    auto [exit_code, out] = ketapath::testing::run_shell(command);
    EXPECT_EQ(exit_code, 0) << sql << ": " << out;
    while (!out.empty() && out.back() == '\n') {
      out.pop_back();
    }
    return out;
  }

  fs::path dir_;
  std::string db_;
  std::string env_;  ///< "VAR=value " prefixes for the next run()
};

int mode_of(const fs::path& path) {
  struct stat info {};

  EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
  return static_cast<int>(info.st_mode & 0777);
}

TEST_F(ClinicCli, AcceptanceDoseThroughJson) {
  const int id = add_patient();
  clear(id);
  const auto r =
      run("dose --patient " + std::to_string(id) +
          " --route iv --dose 0.5mg/kg --duration-min 40 --concentration-mg-per-ml 1 --json");
  ASSERT_EQ(r.exit_code, 0) << last_error();
  const json j = json::parse(r.out);
  EXPECT_EQ(j.at("dose_mg").get<double>(), 35.0);
  EXPECT_EQ(j.at("volume_ml").get<double>(), 35.0);
  EXPECT_DOUBLE_EQ(j.at("rate_ml_per_h").get<double>(), 52.5);
  EXPECT_EQ(j.at("limit"), "none");
  std::string arithmetic;
  for (const auto& line : j.at("arithmetic")) {
    arithmetic += line.get<std::string>() + "\n";
  }
  EXPECT_NE(arithmetic.find("70 kg x 0.5 mg/kg = 35 mg"), std::string::npos) << arithmetic;
  EXPECT_NE(arithmetic.find("35 mg / 1 mg/mL = 35 mL"), std::string::npos);
  EXPECT_NE(arithmetic.find("= 52.5 mL/h"), std::string::npos);
  EXPECT_EQ(j.at("calculated_by"), "test.nurse");
}

TEST_F(ClinicCli, RefusalsHaveExitCodesAndStoreNothing) {
  const int id = add_patient();
  clear(id);
  const int before = audit_entries();
  const std::string p = " --patient " + std::to_string(id);
  EXPECT_EQ(run("patient add --name X --birth-date 1980-01-02 --sex F --weight-kg 0").exit_code, 3);
  EXPECT_NE(last_error().find("got 0 kg"), std::string::npos) << last_error();
  EXPECT_EQ(run("patient add --name X --birth-date 1980-01-02 --sex F --weight-kg 700").exit_code,
            3);
  EXPECT_NE(last_error().find("got 700 kg"), std::string::npos);
  EXPECT_EQ(run("dose" + p + " --route iv --dose 35mg").exit_code, 3);
  EXPECT_NE(last_error().find("expected a weight-based dose in mg/kg"), std::string::npos);
  EXPECT_EQ(run("dose" + p + " --route iv --dose 35mg/kg").exit_code, 3);
  EXPECT_NE(last_error().find("did you mean 35 mg?"), std::string::npos);
  EXPECT_EQ(run("dose" + p + " --route iv --dose 1mg/kg").exit_code, 3);  // soft, no reason
  EXPECT_EQ(run("dose --patient 999 --route iv --dose 0.5mg/kg").exit_code, 4);
  EXPECT_EQ(run("patient show 999").exit_code, 4);
  EXPECT_EQ(run("dose" + p).exit_code, 2);  // --dose missing

  std::ifstream example(std::string(KETAPATH_SOURCE_DIR) + "/examples/clinic/session.json");
  json session = json::parse(example);
  session["patient"] = id;
  session.erase("course");
  session.erase("course_session");
  json future = session;
  future["started_at"] = "2099-01-01T09:00:00Z";
  future["ended_at"] = "2099-01-01T11:00:00Z";
  EXPECT_EQ(run("session record " + write("future.json", future)).exit_code, 3);
  EXPECT_NE(last_error().find("must not be in the future"), std::string::npos);
  json bp = session;
  bp["vitals"][1]["systolic_mmhg"] = 400;
  bp["vitals"][1]["diastolic_mmhg"] = 20;
  EXPECT_EQ(run("session record " + write("bp.json", bp)).exit_code, 3);
  EXPECT_NE(last_error().find("systolic BP must be 50-300 mmHg (got 400 mmHg)"), std::string::npos);
  json item = session;
  item["ratings"][0]["items"][2] = 5;
  EXPECT_EQ(run("session record " + write("item.json", item)).exit_code, 3);
  EXPECT_NE(last_error().find("GAD-7: item 3 must be 0-3 (got 5)"), std::string::npos);
  json typo = session;
  typo["vitals"][0]["systolc_mmhg"] = 120;
  EXPECT_EQ(run("session record " + write("typo.json", typo)).exit_code, 2);
  // A clinical time without its UTC offset is refused (exit 2), never read as UTC: 09:00 at a
  // clinic at UTC-5 would be stored 5 hours early and move the minimum-interval gate.
  json local_start = session;
  local_start["started_at"] = "2026-11-20T09:00";
  EXPECT_EQ(run("session record " + write("local_start.json", local_start)).exit_code, 2);
  EXPECT_NE(last_error().find("started_at: \"2026-11-20T09:00\" has no UTC offset (expected "
                              "YYYY-MM-DDTHH:MM[:SS] followed by Z or +HH:MM/-HH:MM"),
            std::string::npos)
      << last_error();
  json local_rating = session;
  local_rating["ratings"][0]["at"] = "2026-11-20T08:45:00";
  EXPECT_EQ(run("session record " + write("local_rating.json", local_rating)).exit_code, 2);
  EXPECT_NE(last_error().find("ratings[0].at: \"2026-11-20T08:45:00\" has no UTC offset"),
            std::string::npos)
      << last_error();

  EXPECT_EQ(audit_entries(), before);
  const auto sessions = run("report --patient " + std::to_string(id) + " --json");
  ASSERT_EQ(sessions.exit_code, 0);
  EXPECT_EQ(json::parse(sessions.out).at("sessions"), 0);
  EXPECT_EQ(json::parse(run("patient list --json").out).size(), 1u);
}

TEST_F(ClinicCli, ClinicDayEndToEnd) {
  const int id = add_patient();
  const std::string p = " --patient " + std::to_string(id);
  ASSERT_EQ(run("patient history" + p + " --file " + std::string(KETAPATH_SOURCE_DIR) +
                "/examples/clinic/history.json")
                .exit_code,
            0)
      << last_error();
  ASSERT_EQ(run("patient diagnose" + p + " --diagnosis gad:F41.1").exit_code, 0) << last_error();
  const auto screen = run("screen" + p + " --input " + std::string(KETAPATH_SOURCE_DIR) +
                          "/examples/clinic/screening.json --json");
  ASSERT_EQ(screen.exit_code, 0) << last_error();
  EXPECT_EQ(json::parse(screen.out).at("result").at("eligibility"), "eligible");
  ASSERT_EQ(run("consent record" + p + " --date " + day(0) + " --version v1 --witness W").exit_code,
            0)
      << last_error();
  const auto plan = run("course plan" + p + " --protocol iv_loading --start " + day(1) + " --json");
  ASSERT_EQ(plan.exit_code, 0) << last_error();
  EXPECT_EQ(json::parse(plan.out).at("sessions").size(), 6u);
  const auto report = run("report" + p + " --format html");
  ASSERT_EQ(report.exit_code, 0) << last_error();
  EXPECT_NE(report.out.find("<!DOCTYPE html>"), std::string::npos);
  const auto verify = run("audit verify --json");
  ASSERT_EQ(verify.exit_code, 0) << last_error();
  EXPECT_TRUE(json::parse(verify.out).at("intact").get<bool>());
}

TEST_F(ClinicCli, AlertsAreListedAndAcknowledgedWithANote) {
  const int id = add_patient();
  clear(id);
  json session = session_at(id, hours_ago(30));
  json during = session["vitals"][2];  // 20 min into the infusion
  during["systolic_mmhg"] = 186;
  during["diastolic_mmhg"] = 95;
  during.erase("heart_rate_bpm");
  during.erase("spo2_percent");
  session["vitals"] = json::array({session["vitals"][0], during});  // the pre-dose BP: checklist
  session.erase("dose_ended_at");                                   // derived: the 40-min infusion
  session["ratings"] = json::array({{{"scale", "phq-9"},
                                     {"at", session["ratings"][0]["at"]},  // before the dose
                                     {"items", {1, 1, 1, 1, 0, 1, 1, 0, 2}},
                                     {"rater", "self"}}});
  session.erase("discharge");
  session.erase("adverse_events");
  const auto recorded = run("session record --file " + write("session.json", ready(session)));
  ASSERT_EQ(recorded.exit_code, 0) << last_error();
  EXPECT_NE(recorded.out.find("ALERT"), std::string::npos) << recorded.out;

  const auto open = run("alert list --json");
  ASSERT_EQ(open.exit_code, 0) << last_error();
  const auto alerts = json::parse(open.out).at("alerts");
  ASSERT_EQ(alerts.size(), 2u) << open.out;
  EXPECT_EQ(alerts[0].at("level"), "urgent");  // 08:45 rating, before the 09:20 BP
  EXPECT_EQ(alerts[1].at("level"), "pause");
  const std::string urgent = std::to_string(alerts[0].at("id").get<int>());

  const int entries = audit_entries();
  EXPECT_EQ(run("alert ack " + urgent + " --note ' '").exit_code, 3);  // a note is required
  EXPECT_EQ(run("alert ack 999 --note 'checked'").exit_code, 4);
  EXPECT_EQ(audit_entries(), entries);
  const auto ack = run("alert ack " + urgent +
                       " --note 'C-SSRS screen: passive ideation, no plan; safety plan "
                       "given, psychiatrist informed' --json");
  ASSERT_EQ(ack.exit_code, 0) << last_error();
  const auto acked = json::parse(ack.out).at("alert");
  EXPECT_TRUE(acked.at("acknowledged").get<bool>());
  EXPECT_EQ(acked.at("acknowledged_by"), "test.nurse");
  EXPECT_NE(acked.at("acknowledgement_note").get<std::string>().find("safety plan"),
            std::string::npos);
  EXPECT_EQ(audit_entries(), entries + 1);
  // Issue 9 finding 8: a second acknowledgement is a conflict (6), not a storage failure (5).
  EXPECT_EQ(run("alert ack " + urgent + " --note 'again'").exit_code, 6);
  EXPECT_NE(last_error().find("already acknowledged by test.nurse"), std::string::npos)
      << last_error();
  EXPECT_EQ(audit_entries(), entries + 1);

  const auto remaining = run("alert list --json");
  ASSERT_EQ(json::parse(remaining.out).at("alerts").size(), 1u);
  const auto all = run("alert list --patient " + std::to_string(id) + " --json");
  ASSERT_EQ(json::parse(all.out).at("alerts").size(), 2u);
  const auto text = run("alert list --patient " + std::to_string(id));
  EXPECT_NE(text.out.find("acknowledged by test.nurse"), std::string::npos) << text.out;
}

TEST_F(ClinicCli, AnchorKeptElsewhereFindsARestoredOlderCopy) {
  add_patient();
  // Last night's backup: the database file and its key-protected head, copied whole.
  const fs::path db = dir_ / "clinic.db";
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const fs::path from = db.string() + suffix;
    if (fs::exists(from)) {
      fs::copy_file(from, dir_ / (std::string("backup.db") + suffix));
    }
  }
  add_patient("80");
  const auto today = run("audit verify --json");
  ASSERT_EQ(today.exit_code, 0) << last_error();
  const std::string anchor = json::parse(today.out).at("anchor").get<std::string>();
  ASSERT_FALSE(anchor.empty());
  EXPECT_EQ(run("audit verify --anchor " + anchor).exit_code, 0) << last_error();

  // Someone restores the backup over today's database: the chain and head are self-consistent.
  for (const char* suffix : {"", "-wal", "-shm"}) {
    fs::remove(db.string() + suffix);
    const fs::path from = dir_ / (std::string("backup.db") + suffix);
    if (fs::exists(from)) {
      fs::copy_file(from, db.string() + suffix);
    }
  }
  EXPECT_EQ(run("audit verify").exit_code, 0) << last_error();  // undetectable on its own
  const auto checked = run("audit verify --json --anchor " + anchor);
  EXPECT_EQ(checked.exit_code, 5) << checked.out << last_error();
  const auto result = json::parse(checked.out);
  EXPECT_FALSE(result.at("intact").get<bool>());
  EXPECT_NE(result.at("problems").dump().find("removed"), std::string::npos) << checked.out;
  EXPECT_EQ(run("audit verify --anchor 3:xyz").exit_code, 2);
}

TEST_F(ClinicCli, GrantIsForPostgresOnly) {
  const int entries = audit_entries();
  EXPECT_EQ(run("grant --role clinic_app").exit_code, 2);
  EXPECT_NE(last_error().find("no database roles"), std::string::npos) << last_error();
  EXPECT_EQ(audit_entries(), entries);
}

TEST_F(ClinicCli, UsersAndRolesThroughTheCli) {
  EXPECT_EQ(run("user add nurse.kim --role nurse").exit_code, 0) << last_error();
  EXPECT_EQ(run("user add nurse.kim --role nurse").exit_code, 6);  // conflict: exists
  EXPECT_EQ(run("user add desk.bo --role doctor").exit_code, 2);
  EXPECT_NE(last_error().find("\"doctor\" is not one of admin, prescriber, nurse"),
            std::string::npos)
      << last_error();
  const auto list = run("user list --json");
  ASSERT_EQ(list.exit_code, 0) << last_error();
  const auto users = json::parse(list.out).at("users");
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0].at("name"), "nurse.kim");
  EXPECT_EQ(users[0].at("roles"), json::array({"nurse"}));

  const int id = add_patient();
  const int before = audit_entries();
  const std::string p = " --patient " + std::to_string(id);
  EXPECT_EQ(run_as("nurse.kim", "dose" + p + " --route iv --dose 0.5mg/kg").exit_code, 3);
  EXPECT_NE(last_error().find("nurse.kim (nurse) may not order doses"), std::string::npos)
      << last_error();
  EXPECT_EQ(run_as("mallory", "patient list").exit_code, 3);
  EXPECT_NE(last_error().find("mallory is not a clinic user"), std::string::npos) << last_error();
  EXPECT_EQ(run_as("nurse.kim", "user add eve --role admin").exit_code, 3);
  EXPECT_EQ(audit_entries(), before);

  EXPECT_EQ(run("user disable nurse.kim").exit_code, 0) << last_error();
  EXPECT_EQ(run("user disable nurse.kim").exit_code, 6);
  EXPECT_EQ(run_as("nurse.kim", "patient list").exit_code, 3);
  EXPECT_NE(last_error().find("nurse.kim is disabled"), std::string::npos) << last_error();
  EXPECT_EQ(audit_entries(), before + 1);  // only the disable was stored
}

TEST_F(ClinicCli, NewDatabaseStartsWithAnAdmin) {
  db_ = "sqlite:" + (dir_ / "fresh.db").string();
  ASSERT_EQ(run("init").exit_code, 0) << last_error();
  EXPECT_EQ(run("patient list").exit_code, 3);
  EXPECT_NE(last_error().find("no users yet"), std::string::npos) << last_error();
  EXPECT_EQ(run("user add test.nurse --role nurse").exit_code, 3);  // the first must be an admin
  EXPECT_EQ(run("user add test.nurse --role admin").exit_code, 0) << last_error();
  EXPECT_EQ(run("patient list").exit_code, 0) << last_error();
}

// Issue 9 finding 8: an unknown command is named, at every level.
TEST_F(ClinicCli, UnknownCommandsAreNamed) {
  EXPECT_EQ(run("frobnicate --patient 1").exit_code, 2);
  EXPECT_NE(last_error().find("unknown command \"frobnicate\""), std::string::npos) << last_error();
  EXPECT_EQ(last_error().find("A subcommand is required"), std::string::npos) << last_error();
  EXPECT_EQ(run("alert frobnicate").exit_code, 2);
  EXPECT_NE(last_error().find("ketapath clinic alert: error: unknown command \"frobnicate\""),
            std::string::npos)
      << last_error();
  EXPECT_EQ(run_raw("serv --port 8080").exit_code, 2);
  EXPECT_NE(last_error().find("unknown command \"serv\""), std::string::npos) << last_error();
  EXPECT_EQ(run_raw("serve --port 8080").exit_code, 2);  // `serve` exists; --port does not
  EXPECT_EQ(run_raw("clinic").exit_code, 2);             // nothing to name: CLI11's own message
}

// ---- Issue 9: the clearance gate and the one dose check, through the CLI ----

// Issue 9 finding 1: never screened, or screened not_eligible: no course, dose or session.
TEST_F(ClinicCli, NoKetamineWithoutClearance) {
  for (const bool screened : {false, true}) {
    const int id = add_patient();
    const std::string p = " --patient " + std::to_string(id);
    if (screened) {
      ASSERT_EQ(
          run("consent record" + p + " --date " + day(-4) + " --version v1 --witness W").exit_code,
          0)
          << last_error();
      json answers = eligible_answers();
      answers["contraindications"]["uncontrolled_hypertension"] = true;
      answers["contraindications"]["active_substance_use_disorder"] = true;
      const auto s =
          run("screen" + p + " --date " + day(-3) + " --json --input " + write("ne.json", answers));
      ASSERT_EQ(s.exit_code, 0) << last_error();
      ASSERT_EQ(json::parse(s.out).at("result").at("eligibility"), "not_eligible");
    }
    const Counts before = counts(id);
    EXPECT_EQ(run("course plan" + p + " --protocol iv_loading --start " + day(1)).exit_code, 3);
    EXPECT_NE(last_error().find(screened ? "is not_eligible" : "no informed consent"),
              std::string::npos)
        << last_error();
    EXPECT_EQ(run("dose" + p + " --route iv --dose 0.5mg/kg").exit_code, 3);
    EXPECT_EQ(run("session record " + write("s.json", session_at(id, hours_ago(30)))).exit_code, 3);
    EXPECT_EQ(counts(id), before);
    // A prescriber cannot clear it either: nothing turns not_eligible into a dose.
    if (screened) {
      EXPECT_EQ(run("clear --screening 1 --reason 'BP fine today'").exit_code, 3);
      EXPECT_NE(last_error().find("an exclusion cannot be cleared"), std::string::npos)
          << last_error();
    }
  }
}

// needs_review: only a prescriber clears it, with a reason; then the dose goes ahead.
TEST_F(ClinicCli, NeedsReviewIsClearedByAPrescriberOnly) {
  ASSERT_EQ(run("user add nurse.kim --role nurse").exit_code, 0);
  const int id = add_patient();
  const std::string p = " --patient " + std::to_string(id);
  ASSERT_EQ(
      run("consent record" + p + " --date " + day(-4) + " --version v1 --witness W").exit_code, 0);
  json answers = eligible_answers();
  answers["contraindications"]["interacting_medication"] = true;
  const auto s =
      run("screen" + p + " --date " + day(-3) + " --json --input " + write("nr.json", answers));
  ASSERT_EQ(s.exit_code, 0) << last_error();
  ASSERT_EQ(json::parse(s.out).at("result").at("eligibility"), "needs_review");
  const std::string screening = std::to_string(json::parse(s.out).at("id").get<int>());
  EXPECT_EQ(run("dose" + p + " --route iv --dose 0.5mg/kg").exit_code, 3);
  EXPECT_NE(last_error().find("needs review"), std::string::npos) << last_error();
  const int before = audit_entries();
  EXPECT_EQ(run_as("nurse.kim", "clear --screening " + screening + " --reason ok").exit_code, 3);
  EXPECT_EQ(run("clear --screening " + screening + " --reason '  \t '").exit_code, 3);
  EXPECT_EQ(audit_entries(), before);
  ASSERT_EQ(
      run("clear --screening " + screening + " --reason 'sertraline only; no CYP3A4 inhibitor'")
          .exit_code,
      0)
      << last_error();
  EXPECT_EQ(run("clear --screening " + screening + " --reason again").exit_code, 6);
  EXPECT_EQ(run("dose" + p + " --route iv --dose 0.5mg/kg").exit_code, 0) << last_error();
}

// Issue 9 finding 2: session record obeys the soft limit like dose does.
TEST_F(ClinicCli, SessionAboveTheSoftLimitNeedsAPrescribersOrder) {
  const int id = add_patient();
  clear(id);
  json s = session_at(id, hours_ago(30));
  s["dose_mg_per_kg"] = 1.4;
  s.erase("dose_mg");
  const Counts before = counts(id);
  EXPECT_EQ(run("session record " + write("s.json", s)).exit_code, 3);
  EXPECT_NE(last_error().find("exceeds the soft limit of 0.75 mg/kg"), std::string::npos)
      << last_error();
  EXPECT_EQ(counts(id), before);
  // The prescriber's order with its reason, cited by the session, is the override.
  const std::string on = s.at("started_at").get<std::string>().substr(0, 10);
  const auto d =
      run("dose --patient " + std::to_string(id) + " --route iv --dose 1.4mg/kg --date " + on +
          " --override-reason 'partial response at 0.75' --json");
  ASSERT_EQ(d.exit_code, 0) << last_error();
  const json order = json::parse(d.out);
  s["dose_record"] = order.at("id");
  (void)run("user add " + ketapath::testing::kChecker + " --role nurse");
  const auto check =
      run_as(ketapath::testing::kChecker, "order check --json --order " +
                                              std::to_string(order.at("id").get<int>()) +
                                              " --date " + on + " --weight-kg 70 --dose-mg 98");
  ASSERT_EQ(check.exit_code, 0) << last_error();
  s["double_check"] = json::parse(check.out).at("id");
  const auto r = run("session record " + write("s2.json", ready(s)) + " --json");
  ASSERT_EQ(r.exit_code, 0) << last_error();
}

// Issue 9 finding 9: SC volume warning, and the IV dilution advisory for IV only.
TEST_F(ClinicCli, RouteAppropriateVolumeAdvice) {
  const int id = add_patient();
  clear(id);
  const std::string p = " --patient " + std::to_string(id);
  const auto sc = run("dose" + p + " --route sc --dose 1mg/kg --concentration-mg-per-ml 10 --json");
  ASSERT_EQ(sc.exit_code, 0) << last_error();
  const std::string w = json::parse(sc.out).at("warnings").dump();
  EXPECT_NE(w.find("volume: 7 mL is more than 2 mL for one subcutaneous injection"),
            std::string::npos)
      << w;
  EXPECT_EQ(w.find("undiluted"), std::string::npos) << w;
  const auto iv = run("dose" + p + " --route iv --dose 0.5mg/kg --preview --json");
  ASSERT_EQ(iv.exit_code, 0) << last_error();
  EXPECT_NE(json::parse(iv.out).at("warnings").dump().find("undiluted"), std::string::npos);
}

TEST_F(ClinicCli, PreviewComputesAndStoresNothing) {
  const int id = add_patient();
  clear(id);
  const int before = audit_entries();
  const auto r =
      run("dose --patient " + std::to_string(id) + " --route iv --dose 0.5mg/kg --preview");
  ASSERT_EQ(r.exit_code, 0) << last_error();
  EXPECT_NE(r.out.find("PREVIEW (not stored)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("70 kg x 0.5 mg/kg = 35 mg"), std::string::npos) << r.out;
  EXPECT_EQ(audit_entries(), before);
  EXPECT_EQ(run("dose --patient " + std::to_string(id) + " --route iv --dose 1.6mg/kg --preview")
                .exit_code,
            3);
}

// Issue 10 item 10: blank reasons, and a limit message that never reads "1.5 exceeds 1.5".
TEST_F(ClinicCli, OverrideReasonsAndLimitMessages) {
  const int id = add_patient();
  clear(id);
  const std::string p = " --patient " + std::to_string(id);
  const int before = audit_entries();
  EXPECT_EQ(run("dose" + p + " --route iv --dose 1mg/kg --override-reason '   '").exit_code, 3);
  EXPECT_NE(last_error().find("a blank reason"), std::string::npos) << last_error();
  EXPECT_EQ(run("dose" + p + " --route iv --dose 1.5004mg/kg --override-reason x").exit_code, 3);
  EXPECT_NE(last_error().find("1.5004 mg/kg exceeds the hard limit of 1.5 mg/kg"),
            std::string::npos)
      << last_error();
  EXPECT_EQ(audit_entries(), before);
}

// Issue 10 item 6: bounded settings, changed by an admin only; the clinic's screening policy.
TEST_F(ClinicCli, SettingsAreBoundedAndAdminOnly) {
  ASSERT_EQ(run("user add nurse.kim --role nurse").exit_code, 0);
  ASSERT_EQ(run("user add dr.ng --role prescriber").exit_code, 0);
  const int before = audit_entries();
  json drug = json::parse(run("drug show --json").out);
  json& entry = drug.is_array() ? drug[0] : drug;
  json huge = entry;
  for (auto& limits : huge.at("limits")) {
    limits["hard_max_mg_per_kg"] = 10;
  }
  EXPECT_EQ(run("drug set --file " + write("drug.json", huge)).exit_code, 3);
  EXPECT_NE(last_error().find("hard_max_mg_per_kg must be 0.05-2 mg/kg (got 10 mg/kg)"),
            std::string::npos)
      << last_error();
  json thresholds = json::parse(run("settings show --json").out).at("safety_thresholds");
  thresholds["pause_systolic_mmhg"] = 280;
  thresholds["stop_systolic_mmhg"] = 290;
  thresholds["pause_diastolic_mmhg"] = 180;
  thresholds["stop_diastolic_mmhg"] = 190;
  EXPECT_EQ(
      run("settings set --key safety_thresholds --file " + write("t.json", thresholds)).exit_code,
      3);
  EXPECT_NE(last_error().find("pause_systolic_mmhg must be 140-200 mmHg (got 280 mmHg)"),
            std::string::npos)
      << last_error();
  EXPECT_EQ(run_as("nurse.kim", "drug set --file " + write("same.json", entry)).exit_code, 3);
  EXPECT_EQ(audit_entries(), before);

  const int id = add_patient();
  json answers = eligible_answers();
  answers["policy"] = {{"exclude_current_depression", false}};
  EXPECT_EQ(run("screen --patient " + std::to_string(id) + " --input " +
                write("own_policy.json", answers))
                .exit_code,
            2);
  EXPECT_NE(last_error().find("cannot carry its own policy"), std::string::npos) << last_error();
  answers.erase("policy");
  const std::string file = write("answers.json", answers);
  EXPECT_EQ(run_as("nurse.kim", "screen --patient " + std::to_string(id) + " --input " + file +
                                    " --allow-current-depression")
                .exit_code,
            3);
  EXPECT_NE(last_error().find("a prescriber's choice"), std::string::npos) << last_error();
  const int mid = audit_entries();
  EXPECT_EQ(run_as("dr.ng", "screen --patient " + std::to_string(id) + " --input " + file +
                                " --allow-current-depression")
                .exit_code,
            0)
      << last_error();
  const auto entries = json::parse(run("audit verify --json").out);
  EXPECT_EQ(entries.at("entries").get<int>(), mid + 1);
}

// A recommendation above the risk is accepted only with --above-risk-reason, which the decision
// records; without it the refusal stores nothing.
TEST_F(ClinicCli, ForecastAboveTheRiskNeedsAReason) {
  const int id = add_patient();
  clear(id);
  const json library = json::parse(run("drug show --json").out);
  prepare_forecast(id, 0.5, library);
  const std::string risk = " --risk 0.000001";
  const auto shown = run("forecast --patient " + std::to_string(id) + risk + " --json");
  ASSERT_EQ(shown.exit_code, 0) << last_error();
  const json rec = json::parse(shown.out).at("recommendation");
  ASSERT_FALSE(rec.at("within_risk").get<bool>()) << rec.dump();
  const std::string accept = "forecast accept --patient " + std::to_string(id) + risk + " --next " +
                             rec.at("next_date").get<std::string>() + " --interval " +
                             std::to_string(rec.at("interval_days").get<int>());
  const Counts before = counts(id);
  EXPECT_EQ(run(accept).exit_code, 3);
  EXPECT_NE(last_error().find("--above-risk-reason"), std::string::npos) << last_error();
  EXPECT_EQ(counts(id), before);
  const auto out = run("--json " + accept + " --above-risk-reason 'best plan found'");
  ASSERT_EQ(out.exit_code, 0) << last_error();
  EXPECT_EQ(json::parse(out.out).at("decision").at("reason"), "above the risk: best plan found");
}

// The minimum interval counts administrations, not calculations. An administration is checked at
// its time; an order for a day, over the whole (UTC) day.
TEST_F(ClinicCli, MinimumIntervalBetweenDoses) {
  const int id = add_patient();
  clear(id);
  const std::string p = " --patient " + std::to_string(id);
  ASSERT_EQ(run("dose" + p + " --route iv --dose 0.5mg/kg --date " + day(-1)).exit_code, 0)
      << last_error();
  ASSERT_EQ(run("dose" + p + " --route iv --dose 0.5mg/kg --date " + day(-1)).exit_code, 0)
      << last_error();
  // Yesterday at noon UTC: 20 h either side covers all of yesterday, and today until 08:00.
  const std::time_t noon =
      std::chrono::system_clock::to_time_t(
          std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())) -
      12 * 3600;
  ASSERT_EQ(run("session record " + write("a.json", ready(session_at(id, noon)))).exit_code, 0)
      << last_error();
  const Counts before = counts(id);
  EXPECT_EQ(run("session record " + write("b.json", session_at(id, noon + 6 * 3600))).exit_code, 3);
  EXPECT_NE(last_error().find("6 h before " + day(-1) +
                              "T18:00:00Z; the minimum interval between "
                              "two doses is 20 h"),
            std::string::npos)
      << last_error();
  EXPECT_EQ(run("dose" + p + " --route iv --dose 0.5mg/kg --date " + day(-1)).exit_code, 3);
  EXPECT_NE(last_error().find("no time on " + day(-1) + " (" + day(-1) + "T00:00:00Z to " + day(0) +
                              "T00:00:00Z) is 20 h from every dose"),
            std::string::npos)
      << last_error();
  EXPECT_EQ(counts(id), before);
  // Today's order goes through and says from when.
  const auto today = run("dose" + p + " --route iv --dose 0.5mg/kg --json --date " + day(0));
  ASSERT_EQ(today.exit_code, 0) << last_error();
  EXPECT_NE(today.out.find("a dose keeps the minimum 20 h only from " + day(0) + "T08:00:00Z to " +
                           day(1) + "T00:00:00Z"),
            std::string::npos)
      << today.out;
}

// A screening that lapses during a course blocks the next dose; the work list warns ahead.
TEST_F(ClinicCli, ExpiringScreeningIsWarnedAndThenBlocks) {
  const int id = add_patient();
  const std::string p = " --patient " + std::to_string(id);
  ASSERT_EQ(
      run("consent record" + p + " --date " + day(-100) + " --version v1 --witness W").exit_code,
      0);
  ASSERT_EQ(
      run("screen" + p + " --date " + day(-85) + " --input " + write("a.json", eligible_answers()))
          .exit_code,
      0)
      << last_error();
  ASSERT_EQ(run("course plan" + p +
                " --protocol maintenance_weekly --weeks 4 --route iv --dose "
                "0.5mg/kg --duration-min 40 --start " +
                day(0))
                .exit_code,
            0)
      << last_error();
  const auto list = run("alert list --json");
  ASSERT_EQ(list.exit_code, 0) << last_error();
  EXPECT_NE(json::parse(list.out).at("warnings").dump().find("expires on " + day(5)),
            std::string::npos)
      << list.out;
  EXPECT_EQ(run("dose" + p + " --route iv --dose 0.5mg/kg --date " + day(6)).exit_code, 3);
  EXPECT_NE(last_error().find("expired on " + day(5)), std::string::npos) << last_error();
}

// Every use case that writes a dose (clinic::dose_writing_use_cases) with every violation: exit 3
// and nothing stored. A new dose path is covered by adding its command to `paths`.
TEST_F(ClinicCli, EveryDosePathRefusesEveryViolation) {
  ASSERT_EQ(run("user add desk.bo --role front_desk").exit_code, 0);
  ASSERT_EQ(run("user add nurse.kim --role nurse").exit_code, 0);

  struct Case {
    std::string violation;
    std::string says;  // what the refusal must name
    std::string user = "test.nurse";
    double mg_per_kg = 0.5;
    bool consent = true;
    std::string eligibility = "eligible";
    int weight_age_days = 5;
    bool earlier_session = false;
    std::string lot = "good";  // the session's stock lot (custody, gate 12)
    // The administration's order, double check and checklist (session record only, issue 15).
    bool order = true;
    std::string check = "other";  // none, self (the recording user), other, mismatch
    bool checklist = true;
  };

  // Custody on, as in a new clinic: the session path must also name a usable stock lot.
  ASSERT_EQ(run("settings set --key custody_policy --file " +
                write("custody-on.json", {{"require_lot", true}}))
                .exit_code,
            0)
      << last_error();
  const auto receive = [&](const std::string& lot, const std::string& vials,
                           const std::string& expires, const std::string& received) {
    const auto r =
        run("--json stock receive --product 'Ketamine 10 mg/mL' --concentration-mg-per-ml "
            "10 --supplier S --ml-per-vial 0.5 --lot " +
            lot + " --vials " + vials + " --expires " + expires + received);
    EXPECT_EQ(r.exit_code, 0) << last_error();
    return std::to_string(json::parse(r.out).at("stock_lot").at("id").get<int>());
  };
  const std::map<std::string, std::string> lots = {
      // Received five days ago, before every session here (the forecast history starts 66 h ago).
      // Good: 1000 x 0.5 mL x 10 mg/mL = 5000 mg;
      // small: 5 mg, less than any dose here.
      {"good", receive("G1", "1000", day(365), " --received-at " + day(-5) + "T08:00:00Z")},
      {"small", receive("S1", "1", day(365), " --received-at " + day(-5) + "T08:00:00Z")},
      {"expired", receive("E1", "100", day(-5), " --received-at " + day(-10) + "T08:00:00Z")}};

  const std::vector<Case> cases = {
      {.violation = "no clearance", .says = "no informed consent", .consent = false},
      {.violation = "not_eligible", .says = "is not_eligible", .eligibility = "not_eligible"},
      {.violation = "above the soft limit without a reason",
       .says = "soft limit",
       .mg_per_kg = 1.0},
      {.violation = "above the hard limit", .says = "hard limit", .mg_per_kg = 1.6},
      {.violation = "interval too short", .says = "minimum interval", .earlier_session = true},
      // The weight is 40 days before today, the session 3 h ago: 39 days old between 00:00 and
      // 03:00 UTC, so the message is matched without the count.
      {.violation = "stale weight", .says = "must be 0-30 days (got ", .weight_age_days = 40},
      {.violation = "wrong role", .says = "desk.bo (front_desk) may not", .user = "desk.bo"},
      {.violation = "no stock lot", .says = "name the stock lot", .lot = "none"},
      {.violation = "expired stock lot", .says = "expired on", .lot = "expired"},
      {.violation = "stock lot balance too low", .says = "would leave -", .lot = "small"},
      // Issue 15: the administration's order, independent double check and checklist.
      {.violation = "no order", .says = "session: no order", .order = false},
      {.violation = "no double check", .says = "no independent double check", .check = "none"},
      {.violation = "self double check",
       .says = "who records this administration: the check must be by a second user",
       .check = "self"},
      {.violation = "double check mismatch",
       .says = "the double check does not match: weight 70 kg here, 72 kg by check.nurse",
       .check = "mismatch"},
      {.violation = "incomplete checklist",
       .says = "the pre-dose checklist is not complete: fasting: last_food_at",
       .checklist = false},
      {.violation = "none"},  // the control: the same path without a violation goes through
  };
  const std::set<std::string> lot_cases = {"no stock lot", "expired stock lot",
                                           "stock lot balance too low"};
  const std::set<std::string> administration_only = {"no order", "no double check",
                                                     "self double check", "double check mismatch",
                                                     "incomplete checklist"};
  // The command of each path for case `c` and patient `id` (made before the counts are taken:
  // the session's order and double check are stored first); which violations it can meet (a
  // course plan neither gives a dose nor uses the weight; only an administration cites an order).
  using Command = std::function<std::string(int, const Case&)>;
  std::string forecast_command;
  const std::map<std::string, std::pair<Command, std::set<std::string>>> paths = {
      {"dose",
       {[](int id, const Case& c) {
          // With the earlier session (yesterday noon), yesterday has no time 20 h from it.
          return "dose --patient " + std::to_string(id) + " --route iv --dose " +
                 fmt_dose(c.mg_per_kg) + " --date " + day(c.earlier_session ? -1 : 0);
        },
        [&] {
          std::set<std::string> skip = administration_only;
          skip.insert(lot_cases.begin(), lot_cases.end());
          return skip;
        }()}},
      {"session record",
       {[this, &lots](int id, const Case& c) {
          json s = session_at(id, hours_ago(3));
          s["dose_mg_per_kg"] = c.mg_per_kg;
          s.erase("dose_mg");
          if (c.order) {
            s = ready(s);
          }
          const std::string day_of_dose = s.at("started_at").get<std::string>().substr(0, 10);
          const auto check_as = [&](const std::string& user, const std::string& weight) {
            const auto r = run_as(
                user, "order check --json --order " + std::to_string(s.value("dose_record", 0)) +
                          " --date " + day_of_dose + " --weight-kg " + weight + " --dose-mg 35");
            EXPECT_EQ(r.exit_code, 0) << last_error();
            s["double_check"] = r.exit_code == 0 ? json::parse(r.out).at("id") : json(0);
          };
          if (c.check == "none") {
            s.erase("double_check");
          } else if (c.check == "self") {
            check_as("test.nurse", "70");
          } else if (c.check == "mismatch") {
            check_as(ketapath::testing::kChecker, "72");
          }
          if (!c.checklist) {
            s.erase("checklist");
          }
          return "session record " + write("path.json", s) +
                 (c.lot == "none" ? std::string() : " --stock-lot " + lots.at(c.lot));
        },
        {}}},
      {"course plan",
       {[](int id, const Case& c) {
          return "course plan --patient " + std::to_string(id) + " --protocol iv_loading --start " +
                 day(1) + " --dose " + fmt_dose(c.mg_per_kg);
        },
        [&] {
          std::set<std::string> skip = administration_only;
          skip.insert(lot_cases.begin(), lot_cases.end());
          skip.insert({"interval too short", "stale weight"});
          return skip;
        }()}},
      // The accepted forecast plans the last dose given at the recomputed dates (prepared below);
      // its interval gate is at day resolution and the forecast never proposes a closer day.
      {"forecast accept",
       {[&forecast_command](int, const Case&) { return forecast_command; },
        [&] {
          std::set<std::string> skip = administration_only;
          skip.insert(lot_cases.begin(), lot_cases.end());
          skip.insert({"interval too short", "stale weight"});
          return skip;
        }()}},
  };
  // What a path needs before the counts are taken (run as test.nurse, a prescriber).
  const json library = json::parse(run("drug show --json").out);
  const std::map<std::string, std::function<void(int, double)>> prepare = {
      {"forecast accept",
       [&](int id, double x) {
         forecast_command = prepare_forecast(id, x, library, " --stock-lot " + lots.at("good"));
       }},
  };
  for (const auto use_case : ketapath::clinic::dose_writing_use_cases()) {
    ASSERT_TRUE(paths.contains(std::string(use_case)))
        << use_case << " has no command in this test";
  }
  for (const auto& [name, path] : paths) {
    for (const Case& c : cases) {
      if (path.second.contains(c.violation)) {
        continue;
      }
      const int id = add_patient("70", day(-c.weight_age_days));
      if (c.consent) {
        ASSERT_EQ(run("consent record --patient " + std::to_string(id) + " --date " + day(-4) +
                      " --version v1 --witness W")
                      .exit_code,
                  0);
      }
      json answers = eligible_answers();
      if (c.eligibility == "not_eligible") {
        answers["contraindications"]["psychosis"] = true;
      }
      ASSERT_EQ(run("screen --patient " + std::to_string(id) + " --date " + day(-3) + " --input " +
                    write("s.json", answers))
                    .exit_code,
                0);
      if (c.earlier_session) {
        // 12 h before the session path's; for an order (a day), noon yesterday: 20 h either side
        // covers the whole of yesterday at any time of day the test runs.
        const std::time_t earlier =
            name == "dose"
                ? std::chrono::system_clock::to_time_t(
                      std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())) -
                      12 * 3600
                : hours_ago(12);
        ASSERT_EQ(run("session record " + write("e.json", ready(session_at(id, earlier))) +
                      " --stock-lot " + lots.at("good"))
                      .exit_code,
                  0)
            << last_error();
      }
      if (const auto p = prepare.find(name); p != prepare.end()) {
        p->second(id, c.mg_per_kg);
      }
      const std::string command = path.first(id, c);
      const Counts before = counts(id);
      const auto r = run_as(c.user, command);
      if (c.violation == "none") {
        EXPECT_EQ(r.exit_code, 0) << name << ": " << last_error();
        EXPECT_NE(counts(id), before) << name;
        continue;
      }
      EXPECT_EQ(r.exit_code, 3) << name << " / " << c.violation << ": " << last_error();
      EXPECT_NE(last_error().find(c.says), std::string::npos)
          << name << " / " << c.violation << ": " << last_error();
      EXPECT_EQ(counts(id), before) << name << " / " << c.violation;
    }
  }
}

// Issue 9 finding 5: raw SQL on the clinical tables is found by `audit verify`, table and row
// named.
TEST_F(ClinicCli, RawSqlChangesToClinicalRowsAreFound) {
  ASSERT_EQ(run("demo --patients 4").exit_code, 0) << last_error();
  ASSERT_EQ(run("audit verify").exit_code, 0) << last_error();
  const std::string alert = sqlite("SELECT MAX(id) FROM alerts");
  ASSERT_FALSE(alert.empty());
  ASSERT_NE(sqlite("SELECT COUNT(*) FROM sessions WHERE id = 1"), "0");
  sqlite("update sessions set dose_mg=350 where id=1; delete from alerts where id=" + alert + ";");
  const auto broken = run("audit verify");
  EXPECT_EQ(broken.exit_code, 5);
  EXPECT_NE(broken.out.find("BROKEN"), std::string::npos) << broken.out;
  EXPECT_NE(broken.out.find("sessions row id=1: changed outside Ketapath"), std::string::npos)
      << broken.out;
  EXPECT_NE(broken.out.find("alerts row id=" + alert + ": deleted outside Ketapath"),
            std::string::npos)
      << broken.out;
  sqlite("insert into settings (key, json) values ('forged', '1')");
  const auto json_out = run("audit verify --json");
  EXPECT_EQ(json_out.exit_code, 5);
  const auto problems = json::parse(json_out.out).at("problems").dump();
  EXPECT_NE(problems.find("settings row key=forged: inserted outside Ketapath"), std::string::npos)
      << problems;
}

// Issue 10 item 9: a write refuses to extend a log that does not verify; --anchor names a middle
// deletion as a deletion.
TEST_F(ClinicCli, WritesRefuseALogWithADeletedMiddleEntryAndTheAnchorNamesIt) {
  add_patient();
  add_patient();
  add_patient();
  const int entries = audit_entries();
  ASSERT_GE(entries, 4);
  const std::string hash2 = sqlite("SELECT hash FROM audit_log WHERE sequence = 2");
  const std::string head = json::parse(run("audit verify --json").out).at("anchor");
  sqlite("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE sequence = 2;");
  const std::string patients = sqlite("SELECT COUNT(*) FROM patients");
  const auto refused =
      run("patient add --name 'Late Patient' --birth-date 1980-01-02 --sex F "
          "--weight-kg 70");
  EXPECT_EQ(refused.exit_code, 5);
  EXPECT_NE(last_error().find("refusing to extend it"), std::string::npos) << last_error();
  EXPECT_EQ(sqlite("SELECT COUNT(*) FROM patients"), patients);

  const auto at_deleted = run("audit verify --json --anchor 2:" + hash2);
  EXPECT_EQ(at_deleted.exit_code, 5);
  const auto problems = json::parse(at_deleted.out).at("problems").dump();
  EXPECT_NE(problems.find("entry 2: missing (next stored entry is 3)"), std::string::npos)
      << problems;
  EXPECT_NE(problems.find("anchor 2: entry 2 is missing although the log goes on to entry " +
                          std::to_string(entries) + ": it was deleted"),
            std::string::npos)
      << problems;
  EXPECT_EQ(problems.find("removed"), std::string::npos) << problems;
  // The head's anchor still matches its entry: only the chain's own break is reported.
  const auto at_head = run("audit verify --json --anchor " + head);
  EXPECT_EQ(at_head.exit_code, 5);
  const auto head_problems = json::parse(at_head.out).at("problems");
  EXPECT_EQ(head_problems.size(), 1u) << head_problems.dump();
  EXPECT_EQ(head_problems.dump().find("removed"), std::string::npos) << head_problems.dump();
}

TEST_F(ClinicCli, WritesRefuseALogWithAnEditedEntry) {
  add_patient();
  add_patient();
  const std::string patients = sqlite("SELECT COUNT(*) FROM patients");
  sqlite(
      "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'mallory' WHERE "
      "sequence = 2;");
  const auto refused =
      run("patient add --name 'Late Patient' --birth-date 1980-01-02 --sex F "
          "--weight-kg 70");
  EXPECT_EQ(refused.exit_code, 5);
  EXPECT_NE(last_error().find("does not verify (entry 2: hash mismatch"), std::string::npos)
      << last_error();
  EXPECT_EQ(sqlite("SELECT COUNT(*) FROM patients"), patients);
}

// Issue 10 item 8: patient data files are private.
TEST_F(ClinicCli, DatabaseKeyAndReportFilesArePrivate) {
  EXPECT_EQ(mode_of(dir_ / "clinic.db"), 0600);
  EXPECT_EQ(mode_of(dir_ / "clinic.db.key"), 0600);
  const int id = add_patient();
  const fs::path replaced = dir_ / "report.md";
  std::ofstream(replaced) << "an older, world-readable file";
  fs::permissions(replaced, fs::perms(0644));
  ASSERT_EQ(
      run("report --patient " + std::to_string(id) + " --output " + replaced.string()).exit_code, 0)
      << last_error();
  EXPECT_EQ(mode_of(replaced), 0600);
  const fs::path fresh = dir_ / "report.html";
  ASSERT_EQ(
      run("report --patient " + std::to_string(id) + " --format html --output " + fresh.string())
          .exit_code,
      0)
      << last_error();
  EXPECT_EQ(mode_of(fresh), 0600);
  // A folder Ketapath makes for a new database is private too.
  db_ = "sqlite:" + (dir_ / "new" / "site" / "clinic.db").string();
  ASSERT_EQ(run("init").exit_code, 0) << last_error();
  EXPECT_EQ(mode_of(dir_ / "new"), 0700);
  EXPECT_EQ(mode_of(dir_ / "new" / "site"), 0700);
  EXPECT_EQ(mode_of(dir_ / "new" / "site" / "clinic.db"), 0600);
  // A database file made beforehand, readable by others, is made private by init (review find).
  const fs::path made = dir_ / "made-before.db";
  std::ofstream(made).flush();
  fs::permissions(made, fs::perms(0644));
  db_ = "sqlite:" + made.string();
  ASSERT_EQ(run("init").exit_code, 0) << last_error();
  EXPECT_EQ(mode_of(made), 0600);
}

/// Runs psql on the test server; returns its exit status.
int psql(const std::string& url, const std::string& sql) {
  const std::string command = "psql '" + url + "' -X -q -v ON_ERROR_STOP=1 -c \"" + sql + "\" 2>&1";
  return ::system(command.c_str());
}

// Issue 10 item 8: a PostgreSQL password is never printed, however it is given; a password typed
// in --db still works but warns; PGPASSFILE, $KETAPATH_DB and --password-file need no warning.
TEST_F(ClinicCli, PostgresPasswordsAreNeverPrinted) {
  const char* server = std::getenv("KETAPATH_TEST_POSTGRES_URL");
  if (server == nullptr || *server == '\0') {
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string(ci) == "true") {
      FAIL() << "CI=true but KETAPATH_TEST_POSTGRES_URL is not set";
    }
    GTEST_SKIP() << "KETAPATH_TEST_POSTGRES_URL is not set (scripts/start-postgres.sh)";
  }
  const std::string base(server);
  const std::string rest = base.substr(base.find('@') + 1);  // host:port/db?sslmode=disable
  const std::string role = "cli_secret_" + std::to_string(::getpid());
  const std::string secret = "Zq7x-" + std::to_string(::getpid()) + "-pw";
  ASSERT_EQ(psql(base, "CREATE ROLE " + role + " LOGIN PASSWORD '" + secret + "'; GRANT " + role +
                           " TO CURRENT_USER; CREATE SCHEMA " + role + " AUTHORIZATION " + role),
            0);

  struct Cleanup {
    std::string base, role;

    ~Cleanup() { psql(base, "DROP SCHEMA " + role + " CASCADE; DROP ROLE " + role); }
  } cleanup{base, role};

  const std::string tail = rest + "&options=-csearch_path%3D" + role;
  const std::string plain = "postgresql://" + role + "@" + tail;
  const std::string in_userinfo = "postgresql://" + role + ":" + secret + "@" + tail;
  const std::string in_query = plain + "&password=" + secret;
  const std::string key = " --key-file " + (dir_ / "pg.key").string() + " ";
  const auto clean = [&](const Outcome& o, const std::string& what) {
    EXPECT_EQ(o.out.find(secret), std::string::npos) << what << ": " << o.out;
    EXPECT_EQ(last_error().find(secret), std::string::npos) << what << ": " << last_error();
  };
  const auto warned = [&] {
    return last_error().find("warning: the --db URL contains a password") != std::string::npos;
  };

  db_ = in_userinfo;
  auto r = run(key + "init");
  EXPECT_EQ(r.exit_code, 0) << last_error();
  clean(r, "init");
  EXPECT_TRUE(warned()) << last_error();
  r = run(key + "user add test.nurse --role admin --role prescriber --role nurse");
  EXPECT_EQ(r.exit_code, 0) << last_error();
  clean(r, "user add");
  r = run(key + "init --json");
  EXPECT_EQ(r.exit_code, 0) << last_error();
  clean(r, "init --json");
  EXPECT_NE(r.out.find(":***@"), std::string::npos) << r.out;
  db_ = in_query;
  r = run(key + "init --json");
  EXPECT_EQ(r.exit_code, 0) << last_error();
  clean(r, "init --json, ?password=");
  EXPECT_TRUE(warned());
  r = run(key + "audit verify");
  EXPECT_EQ(r.exit_code, 0) << last_error();
  clean(r, "audit verify");

  // Connection errors: a wrong password, an unreachable server, a malformed URL, a keyword/value
  // string (not a --db form).
  db_ = "postgresql://" + role + ":" + secret + "-wrong@" + tail;
  r = run(key + "init");
  EXPECT_EQ(r.exit_code, 5) << last_error();
  clean(r, "wrong password");
  db_ = "postgresql://" + role + ":" + secret + "@%2Fnonexistent:1/db?password=" + secret;
  r = run(key + "init --json");
  EXPECT_EQ(r.exit_code, 5) << last_error();
  clean(r, "unreachable");
  db_ = "postgresql://" + role + ":" + secret + "%zz@" + tail;
  r = run(key + "init");
  EXPECT_NE(r.exit_code, 0);
  clean(r, "malformed");
  db_ = "host=/tmp dbname=x user=" + role + " password=" + secret;
  r = run(key + "init --json");
  EXPECT_EQ(r.exit_code, 2) << last_error();
  clean(r, "keyword/value");

  // Without the password on the command line: no warning.
  const fs::path password_file = dir_ / "pg.password";
  std::ofstream(password_file) << secret << "\n";
  fs::permissions(password_file, fs::perms(0600));
  db_ = plain;
  r = run(key + "--password-file " + password_file.string() + " audit verify");
  EXPECT_EQ(r.exit_code, 0) << last_error();
  EXPECT_FALSE(warned()) << last_error();
  fs::permissions(password_file, fs::perms(0644));
  r = run(key + "--password-file " + password_file.string() + " audit verify");
  EXPECT_EQ(r.exit_code, 3) << last_error();
  EXPECT_NE(last_error().find("chmod 600"), std::string::npos) << last_error();
  clean(r, "password file readable by others");

  const fs::path passfile = dir_ / "pgpass";
  std::ofstream(passfile) << "*:*:*:" << role << ":" << secret << "\n";
  fs::permissions(passfile, fs::perms(0600));
  env_ = "PGPASSFILE='" + passfile.string() + "' ";
  r = run(key + "audit verify");
  EXPECT_EQ(r.exit_code, 0) << last_error();
  EXPECT_FALSE(warned());

  env_ = "KETAPATH_DB='" + in_userinfo + "' ";
  db_.clear();
  r = run(key + "audit verify --json");
  EXPECT_EQ(r.exit_code, 0) << last_error();
  EXPECT_FALSE(warned());
  clean(r, "KETAPATH_DB");
}

}  // namespace
