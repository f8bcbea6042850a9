// Issue 10 items 1, 2, 4, 5 through `ketapath clinic` on a temporary SQLite database: every
// JSON-reading command refuses hostile files with exit 2 or 3 and a message naming the file,
// stores nothing, and an incomplete screening is never eligible.

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_fixture.h"

namespace {

using ketapath::test::ClinicCliFixture;
using nlohmann::json;

// The clinic CLI fixture (a temporary database, test.nurse with every role), plus a patient who is
// registered but not cleared: most of these inputs must be refused before any clinical check.
class HostileClinicCli : public ClinicCliFixture {
 protected:
  int add_patient() {
    const auto r = run(
        "patient add --name 'Test Patient' --birth-date 1980-01-02 --sex F --weight-kg 70 --json");
    EXPECT_EQ(r.exit_code, 0) << last_error();
    return r.exit_code == 0 ? json::parse(r.out).at("id").get<int>() : 0;
  }

  std::string write_text(const std::string& name, const std::string& text) {
    const auto p = dir_ / name;
    std::ofstream(p) << text;
    return p.string();
  }

  static std::string today() {
    const auto d = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
    const std::chrono::year_month_day ymd(d);
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return text;
  }

  static json example_json(const std::string& name) {
    return json::parse(std::ifstream(example(name)));
  }
};

TEST_F(HostileClinicCli, DeepNestingIsRefusedByAllSixJsonCommands) {
  const int id = add_patient();
  const int before = audit_entries();
  const std::string p = " --patient " + std::to_string(id);
  const std::string deep =
      write_text("d.json", std::string(65'600, '[') + std::string(65'600, ']'));
  for (const std::string& command :
       {"session record " + deep, "screen" + p + " --input " + deep,
        "patient add --name X --birth-date 1980-01-02 --sex F --weight-kg 70 --history " + deep,
        "patient history" + p + " --file " + deep,
        "settings set --key dosing_policy --file " + deep, "drug set --file " + deep}) {
    EXPECT_EQ(run(command).exit_code, 3) << command << ": " << last_error();
    EXPECT_NE(last_error().find(deep + ":1:65: JSON nesting must be at most 64 levels deep"),
              std::string::npos)
        << command << ": " << last_error();
    EXPECT_LT(last_error().size(), 300u);
  }
  EXPECT_EQ(audit_entries(), before);
}

TEST_F(HostileClinicCli, NumberOverflowIsMalformedNotAnInternalError) {
  const int id = add_patient();
  const std::string file = write_text("s.json", R"({"gad": 1e400})");
  EXPECT_EQ(run("screen --patient " + std::to_string(id) + " --input " + file).exit_code, 2);
  EXPECT_NE(last_error().find(file + ":1:13: malformed JSON: number 1e400 is out of range"),
            std::string::npos)
      << last_error();
  EXPECT_EQ(last_error().find("json.exception"), std::string::npos);
}

TEST_F(HostileClinicCli, ScreeningWithoutContraindicationsIsNeverEligible) {
  const int id = add_patient();
  const std::string p = " --patient " + std::to_string(id);
  ASSERT_EQ(run("patient history" + p + " --file " + std::string(KETAPATH_SOURCE_DIR) +
                "/examples/clinic/history.json")
                .exit_code,
            0)
      << last_error();
  ASSERT_EQ(run("patient diagnose" + p + " --diagnosis gad:F41.1").exit_code, 0) << last_error();
  // The complete example is eligible ...
  json screening = example_json("screening.json");
  auto r = run("screen" + p + " --input " + write_text("full.json", screening.dump()) + " --json");
  ASSERT_EQ(r.exit_code, 0) << last_error();
  EXPECT_EQ(json::parse(r.out).at("result").at("eligibility"), "eligible");
  // ... without its contraindications block it is not ...
  json absent = screening;
  absent.erase("contraindications");
  r = run("screen" + p + " --input " + write_text("absent.json", absent.dump()) + " --json");
  ASSERT_EQ(r.exit_code, 0) << last_error();
  json result = json::parse(r.out).at("result");
  EXPECT_EQ(result.at("eligibility"), "needs_review");
  EXPECT_EQ(result.at("unknown_exclusions").size(), 7u);
  EXPECT_TRUE(json::parse(r.out).at("input").at("contraindications").at("pregnancy").is_null());
  // ... nor with a null answer, which the reasons name.
  json null_answer = screening;
  null_answer["contraindications"]["psychosis"] = nullptr;
  r = run("screen" + p + " --input " + write_text("null.json", null_answer.dump()) + " --json");
  ASSERT_EQ(r.exit_code, 0) << last_error();
  result = json::parse(r.out).at("result");
  EXPECT_EQ(result.at("eligibility"), "needs_review");
  EXPECT_EQ(result.at("unknown_exclusions"), json::array({"contraindications.psychosis"}));
  EXPECT_NE(result.at("reasons").dump().find("contraindications.psychosis is unknown"),
            std::string::npos);
}

TEST_F(HostileClinicCli, NonFiniteFlagsAreRefusedAndStoreNothing) {
  // Cleared (consent, eligible screening, weighed) today, so that the last dose may succeed.
  const int id = add_cleared_patient(today());
  const int before = audit_entries();
  const std::string p = " --patient " + std::to_string(id);
  // Issue reproducer: inf mg/mL used to store 35 mg = 0 mL at 0 mL/h.
  for (const char* bad : {"inf", "nan", "0x1p0", "1e309"}) {
    EXPECT_EQ(
        run("dose" + p + " --route iv --dose 0.5mg/kg --concentration-mg-per-ml " + bad).exit_code,
        2)
        << bad;
    EXPECT_NE(last_error().find("--concentration-mg-per-ml"), std::string::npos) << last_error();
    EXPECT_NE(last_error().find("is not a finite decimal number"), std::string::npos)
        << last_error();
    EXPECT_EQ(run("dose" + p + " --route iv --dose 0.5mg/kg --duration-min " + std::string(bad))
                  .exit_code,
              2)
        << bad;
    EXPECT_EQ(run("patient weigh" + p + " --weight-kg " + std::string(bad)).exit_code, 2) << bad;
  }
  EXPECT_EQ(audit_entries(), before);
  // Without the flag the library default still applies.
  const auto ok = run("dose" + p + " --route iv --dose 0.5mg/kg --json");
  ASSERT_EQ(ok.exit_code, 0) << last_error();
  EXPECT_GT(json::parse(ok.out).at("volume_ml").get<double>(), 0.0);
}

TEST_F(HostileClinicCli, ArgumentsMustBeUtf8) {
  const std::string name = "\"$(printf '\\377\\376')\"";  // two bytes that are not UTF-8
  EXPECT_EQ(run("patient add --name " + name + " --birth-date 1980-01-02 --sex F --weight-kg 70")
                .exit_code,
            2);
  EXPECT_NE(last_error().find("is not valid UTF-8"), std::string::npos) << last_error();
}

// Review find: a folder given where a JSON file belongs was exit 1 (internal); it is a usage error.
TEST_F(HostileClinicCli, AFolderInsteadOfAFileIsAUsageError) {
  const int id = add_patient();
  for (const std::string& command :
       {"session record " + dir_.string(),
        "screen --patient " + std::to_string(id) + " --input " + dir_.string()}) {
    EXPECT_EQ(run(command).exit_code, 2) << command;
    EXPECT_NE(last_error().find(dir_.string() + ": is a directory, not a JSON file"),
              std::string::npos)
        << last_error();
  }
}

// Issue 10 item 7: an empty date is not "today".
TEST_F(HostileClinicCli, AnEmptyDateIsNotToday) {
  const int id = add_cleared_patient(today());
  const int before = audit_entries();
  EXPECT_EQ(run("dose --patient " + std::to_string(id) + " --route iv --dose 0.5mg/kg --date ''")
                .exit_code,
            2);
  EXPECT_NE(last_error().find("--date"), std::string::npos) << last_error();
  EXPECT_EQ(audit_entries(), before);
}

}  // namespace
