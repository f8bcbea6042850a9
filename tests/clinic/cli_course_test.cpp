// Issue 9 finding 7 and Deliver 5 through the CLI: courses finish (complete, cancel, skip,
// automatically when their sessions are done), do not overlap unless explicitly allowed (a
// conflict, exit 6), can have one session rescheduled, and are planned on the clinic's days in
// its time zone, saying when a date moves.

#include <chrono>
#include <cstdio>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "cli_fixture.h"

namespace {

using ketapath::test::ClinicCliFixture;
using ketapath::test::test_day;
using ketapath::test::this_week_day;
using nlohmann::json;

class ClinicCourseCli : public ClinicCliFixture {
 protected:
  json plan(int patient, const std::string& args) {
    const auto r = run("course plan --patient " + std::to_string(patient) + " " + args + " --json");
    EXPECT_EQ(r.exit_code, 0) << last_error();
    return r.exit_code == 0 ? json::parse(r.out) : json();
  }
};

// Finding 7: the loading series was planned on Sundays, and courses overlapped.
TEST_F(ClinicCourseCli, LoadingSeriesIsPlannedOnClinicDaysAndSaysWhatMoved) {
  const int id = add_cleared_patient(test_day(-3));
  // Friday test_day(-3): template days 0 2 4 7 9 11 fall on Fri Sun Tue Fri Sun Tue.
  const json c = plan(id, ("--protocol iv_loading --start " + test_day(-3)));
  std::vector<std::string> days;
  for (const auto& s : c.at("sessions")) {
    days.push_back(s.at("planned_on").get<std::string>());
  }
  EXPECT_EQ(days, (std::vector<std::string>{test_day(-3), test_day(0), test_day(1), test_day(4),
                                            test_day(7), test_day(8)}));
  ASSERT_EQ(c.at("messages").size(), 2u) << c.dump();
  EXPECT_EQ(
      c.at("messages")[0],
      ("session 2: Sunday " + test_day(-1) +
       " is not a clinic day (clinic days mon,tue,wed,thu,fri): moved to Monday " + test_day(0)));
  // The text output says it too.
  const auto other = add_cleared_patient(test_day(-3));
  const auto text = run("course plan --patient " + std::to_string(other) +
                        (" --protocol ascending_sc --start " + test_day(-2)));
  ASSERT_EQ(text.exit_code, 0) << last_error();
  EXPECT_NE(text.out.find(("note: session 1: Saturday " + test_day(-2) + " is not a clinic day")),
            std::string::npos)
      << text.out;
}

TEST_F(ClinicCourseCli, ClinicDaysAndTimeZoneAreSettings) {
  json cal = {{"time_zone", "Mars/Olympus_Mons"}, {"clinic_days", {"mon", "wed"}}};
  const int entries = audit_entries();
  EXPECT_EQ(run("settings set --key clinic_calendar --file " + write("c.json", cal)).exit_code, 3);
  EXPECT_NE(last_error().find("\"Mars/Olympus_Mons\" is not in the time-zone database"),
            std::string::npos)
      << last_error();
  cal["time_zone"] = "Europe/Berlin";
  cal["clinic_days"] = {"mon", "someday"};
  EXPECT_EQ(run("settings set --key clinic_calendar --file " + write("c.json", cal)).exit_code, 3);
  EXPECT_EQ(audit_entries(), entries);
  cal["clinic_days"] = {"mon", "wed"};
  ASSERT_EQ(run("settings set --key clinic_calendar --file " + write("c.json", cal)).exit_code, 0)
      << last_error();
  const int id = add_cleared_patient(test_day(-3));
  // Weekly from Monday test_day(0) lands on Mondays: nothing moves.
  const json c = plan(id, ("--protocol maintenance_weekly --weeks 2 --start " + test_day(0)));
  EXPECT_TRUE(c.at("messages").empty());
  // A session started 23:30 UTC on Tuesday is Wednesday 00:30 in Berlin: its actual day is the
  // clinic's day.
  json s = session_on(id, test_day(1));
  s["route"] = "sc";
  s["dose_mg_per_kg"] = 0.5;
  s.erase("dose_mg");
  s["course"] = c.at("id");
  s["started_at"] = (test_day(1) + "T23:30:00Z");
  s["dose_ended_at"] = (test_day(1) + "T23:30:00Z");
  s["ended_at"] = (test_day(2) + "T02:00:00Z");
  for (auto& v : s["vitals"])
    v["at"] = (test_day(1) + "T23:20:00Z");
  s["vitals"][6]["at"] = (test_day(2) + "T01:40:00Z");
  for (auto& r : s["ratings"])
    r["at"] = (test_day(1) + "T23:25:00Z");
  s["adverse_events"] = json::array();
  s["discharge"]["at"] = (test_day(2) + "T01:45:00Z");
  ASSERT_EQ(run("session record " + write("s.json", ready(s))).exit_code, 0) << last_error();
  const json course = json::parse(
      run("course show --course " + std::to_string(c.at("id").get<int>()) + " --json").out);
  EXPECT_EQ(course.at("sessions")[0].at("actual_on"), test_day(2));
}

TEST_F(ClinicCourseCli, OneActiveCourseUnlessExplicitlyAllowed) {
  const int id = add_cleared_patient(test_day(-3));
  const std::string p = " --patient " + std::to_string(id);
  const json first = plan(id, ("--protocol iv_loading --start " + test_day(0)));
  const int entries = audit_entries();
  EXPECT_EQ(run("course plan" + p + (" --protocol iv_loading --start " + test_day(0))).exit_code,
            6);
  EXPECT_NE(
      last_error().find("already has active course " + std::to_string(first.at("id").get<int>())),
      std::string::npos)
      << last_error();
  EXPECT_EQ(
      run("course plan" + p + (" --protocol maintenance_weekly --start " + test_day(14))).exit_code,
      6);
  EXPECT_EQ(audit_entries(), entries);
  const json both =
      plan(id, ("--protocol maintenance_weekly --weeks 4 --start " + test_day(14) +
                " --allow-overlap 'bridging weekly SC while the IV series is paused'"));
  EXPECT_EQ(both.at("overlap_reason"), "bridging weekly SC while the IV series is paused");
  EXPECT_EQ(audit_entries(), entries + 1);
}

TEST_F(ClinicCourseCli, CancelSkipRescheduleAndComplete) {
  const int id = add_cleared_patient(this_week_day(-3));
  const json c = plan(id, ("--protocol ascending_sc --start " + this_week_day(0)));
  const std::string course = " --course " + std::to_string(c.at("id").get<int>());
  const int entries = audit_entries();

  // Refusals store nothing.
  EXPECT_EQ(run("course cancel" + course).exit_code, 3);  // reason required
  EXPECT_EQ(run("course skip" + course + " --session 9 --reason x").exit_code, 4);
  EXPECT_EQ(run("course complete" + course).exit_code, 3);  // sessions still planned
  EXPECT_NE(last_error().find(("still has planned sessions 1 (" + this_week_day(0) + "), 2 (" +
                               this_week_day(7) + "), 3 (" + this_week_day(14) + ")")),
            std::string::npos)
      << last_error();
  EXPECT_EQ(run("course reschedule" + course + " --session 2 --to 2020-01-01 --reason x").exit_code,
            3);
  EXPECT_EQ(audit_entries(), entries);

  // Onto a Saturday: the Monday is session 3's day, so the order would break.
  EXPECT_EQ(
      run("course reschedule" + course + (" --session 2 --to " + this_week_day(12) + " --reason x"))
          .exit_code,
      3);
  EXPECT_NE(last_error().find(("session 3 is on " + this_week_day(14))), std::string::npos)
      << last_error();
  EXPECT_EQ(audit_entries(), entries);
  // Session 3 onto a Saturday: moved to the Monday, and said so.
  const auto moved =
      run("course reschedule" + course +
          (" --session 3 --to " + this_week_day(19) + " --reason 'patient travelling' --json"));
  ASSERT_EQ(moved.exit_code, 0) << last_error();
  const json m = json::parse(moved.out);
  EXPECT_EQ(m.at("sessions")[2].at("planned_on"), this_week_day(21));
  EXPECT_EQ(m.at("sessions")[2].at("note"),
            ("rescheduled from " + this_week_day(14) + ": patient travelling"));
  EXPECT_NE(
      m.at("messages").dump().find(("Saturday " + this_week_day(19) + " is not a clinic day")),
      std::string::npos);

  // Skip two, record none: the course completes when nothing is planned.
  ASSERT_EQ(run("course skip" + course + " --session 1 --reason 'BP 150/95 on arrival'").exit_code,
            0)
      << last_error();
  ASSERT_EQ(run("course skip" + course + " --session 2 --reason 'ill'").exit_code, 0);
  const auto last = run("course skip" + course + " --session 3 --reason 'moved away' --json");
  ASSERT_EQ(last.exit_code, 0) << last_error();
  EXPECT_EQ(json::parse(last.out).at("status"), "completed");
  EXPECT_EQ(audit_entries(), entries + 4);
  EXPECT_EQ(run("course cancel" + course + " --reason late").exit_code, 6);  // not active

  // Cancel with a reason: planned sessions become cancelled.
  const json c2 = plan(id, ("--protocol iv_loading --start " + this_week_day(21)));
  const auto cancelled = run("course cancel --course " + std::to_string(c2.at("id").get<int>()) +
                             " --reason 'hypertensive reaction at session 1' --json");
  ASSERT_EQ(cancelled.exit_code, 0) << last_error();
  const json x = json::parse(cancelled.out);
  EXPECT_EQ(x.at("status"), "cancelled");
  EXPECT_EQ(x.at("status_reason"), "hypertensive reaction at session 1");
  for (const auto& s : x.at("sessions")) {
    EXPECT_EQ(s.at("status"), "cancelled");
  }
  // Complete early with a reason.
  const json c3 = plan(id, ("--protocol iv_loading --start " + this_week_day(42)));
  const auto early = run("course complete --course " + std::to_string(c3.at("id").get<int>()) +
                         " --reason 'remission after 4 infusions' --json");
  ASSERT_EQ(early.exit_code, 0) << last_error();
  EXPECT_EQ(json::parse(early.out).at("status_reason"),
            "completed early: remission after 4 infusions");
}

TEST_F(ClinicCourseCli, CourseCompletesWhenItsLastSessionIsRecorded) {
  const int id = add_cleared_patient();  // weighed, consented and screened on test_day(-3)
  const json c = plan(id, ("--protocol maintenance_weekly --weeks 1 --route iv --dose 0.5mg/kg "
                           "--duration-min 40 --start " +
                           test_day(0)));
  json s = session_on(id, test_day(0));
  s["course"] = c.at("id");
  ASSERT_EQ(run("session record " + write("s.json", ready(s))).exit_code, 0) << last_error();
  const auto shown =
      run("course show --course " + std::to_string(c.at("id").get<int>()) + " --json");
  EXPECT_EQ(json::parse(shown.out).at("status"), "completed");
}

}  // namespace

namespace {

// Today (UTC, the default clinic calendar) plus `days`, as YYYY-MM-DD.
std::string day_from_today(int days) {
  const auto d = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()) +
                 std::chrono::days(days);
  const std::chrono::year_month_day ymd{d};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return text;
}

std::string first_day(const json& course) {
  return course.at("sessions").front().at("planned_on").get<std::string>();
}

std::string last_day(const json& course) {
  return course.at("sessions").back().at("planned_on").get<std::string>();
}

}  // namespace

// Two courses of one patient never run over the same days, even with --allow-overlap (which only
// lets a second course be planned ahead of the first's end): planning refuses naming the other
// course and its dates, and stores nothing.
TEST_F(ClinicCourseCli, PlanningACourseOverTheDaysOfAnotherIsRefusedEvenWithAReason) {
  const int id = add_cleared_patient(day_from_today(0));
  const std::string p = " --patient " + std::to_string(id);
  const json loading = plan(id, "--protocol iv_loading --start " + day_from_today(7));
  ASSERT_FALSE(loading.is_null());
  const std::string other = std::to_string(loading.at("id").get<int>());
  const int entries = audit_entries();
  // Weekly maintenance starting a week into the loading series (11+ days long).
  EXPECT_EQ(run("course plan" + p + " --protocol maintenance_weekly --weeks 4 --start " +
                day_from_today(14) + " --allow-overlap 'bridging'")
                .exit_code,
            6);
  EXPECT_NE(last_error().find("would run over the same days as active course " + other +
                              " of patient " + std::to_string(id) + " (iv_loading, " +
                              first_day(loading) + " to " + last_day(loading) + ")"),
            std::string::npos)
      << last_error();
  EXPECT_EQ(audit_entries(), entries);
  // On the loading series' last day: still the same days.
  EXPECT_EQ(run("course plan" + p + " --protocol maintenance_weekly --weeks 4 --start " +
                last_day(loading) + " --allow-overlap 'bridging'")
                .exit_code,
            6);
  EXPECT_EQ(audit_entries(), entries);
  EXPECT_EQ(json::parse(run("course show" + p + " --json").out).size(), 1u);
  const int shown = audit_entries();  // a chart read may add its own chart.access entry
  // After the loading series' last session (it lasts at most ~18 days) it is allowed, with a
  // reason for the second active course.
  const json after = plan(id, "--protocol maintenance_weekly --weeks 4 --start " +
                                  day_from_today(7 + 21) + " --allow-overlap 'planned ahead'");
  ASSERT_FALSE(after.is_null());
  EXPECT_GT(first_day(after), last_day(loading));
  EXPECT_EQ(audit_entries(), shown + 1);
}

// Rescheduling a session into the days of another active course of the patient is refused the
// same way, storing nothing; a day outside them is accepted.
TEST_F(ClinicCourseCli, ReschedulingIntoTheDaysOfAnotherCourseIsRefused) {
  const int id = add_cleared_patient(day_from_today(0));
  const json loading = plan(id, "--protocol iv_loading --start " + day_from_today(7));
  const json later = plan(id, "--protocol maintenance_weekly --weeks 4 --start " +
                                  day_from_today(7 + 21) + " --allow-overlap 'planned ahead'");
  ASSERT_FALSE(loading.is_null());
  ASSERT_FALSE(later.is_null());
  const std::string course = " --course " + std::to_string(later.at("id").get<int>());
  const int entries = audit_entries();
  // Session 1 of the maintenance course onto the loading series' last day.
  EXPECT_EQ(run("course reschedule" + course + " --session 1 --to " + last_day(loading) +
                " --reason 'earlier'")
                .exit_code,
            6);
  EXPECT_NE(last_error().find("session 1 on " + last_day(loading) + " would make course " +
                              std::to_string(later.at("id").get<int>())),
            std::string::npos)
      << last_error();
  EXPECT_NE(last_error().find("active course " + std::to_string(loading.at("id").get<int>()) +
                              " of patient " + std::to_string(id) + " (iv_loading, " +
                              first_day(loading) + " to " + last_day(loading) + ")"),
            std::string::npos)
      << last_error();
  // The loading series' session 6 past the maintenance course's first day.
  EXPECT_EQ(run("course reschedule --course " + std::to_string(loading.at("id").get<int>()) +
                " --session 6 --to " + day_from_today(7 + 21 + 3) + " --reason 'later'")
                .exit_code,
            6);
  EXPECT_EQ(audit_entries(), entries);
  const json unchanged = json::parse(run("course show" + course + " --json").out);
  EXPECT_EQ(first_day(unchanged), first_day(later));
  const int shown = audit_entries();  // a chart read may add its own chart.access entry
  // A day between the two courses is fine.
  const auto moved = run("course reschedule" + course + " --session 1 --to " +
                         day_from_today(7 + 21 - 1) + " --reason 'a day earlier'");
  EXPECT_EQ(moved.exit_code, 0) << last_error();
  EXPECT_EQ(audit_entries(), shown + 1);
}

namespace {

// The day schedule (`clinic schedule`): the planned sessions due on a day, every patient; a
// cancelled course's sessions leave it. Dates are relative to today, so the test never expires.
TEST_F(ClinicCourseCli, ScheduleListsTheSessionsDueOnADay) {
  const std::string today =
      fmt::format("{:%F}", std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()));
  const int first = add_cleared_patient(today);
  const int second = add_cleared_patient(today);
  const json a = plan(first, "--protocol iv_loading --start " + today);
  const json b = plan(second, "--protocol iv_loading --start " + today);
  const std::string day = a.at("sessions")[0].at("planned_on").get<std::string>();
  ASSERT_EQ(b.at("sessions")[0].at("planned_on"), day);

  const auto listed = run("schedule --date " + day + " --json");
  ASSERT_EQ(listed.exit_code, 0) << last_error();
  const json due = json::parse(listed.out);
  EXPECT_EQ(due.at("date"), day);
  ASSERT_EQ(due.at("sessions").size(), 2u) << due.dump();
  for (const auto& row : due.at("sessions")) {
    EXPECT_EQ(row.at("session").at("planned_on"), day);
    EXPECT_EQ(row.at("session").at("number"), 1);
    EXPECT_EQ(row.at("of"), a.at("sessions").size());
    EXPECT_EQ(row.at("patient_name"), "Test Patient");
  }
  EXPECT_EQ(due.at("sessions")[0].at("patient"), first);  // same name: by patient id

  ASSERT_EQ(run("course cancel --course " + std::to_string(b.at("id").get<int>()) +
                " --reason 'moved away'")
                .exit_code,
            0)
      << last_error();
  const auto text = run("schedule --date " + day);
  ASSERT_EQ(text.exit_code, 0) << last_error();
  EXPECT_NE(text.out.find(day + ": 1 session due"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("session 1 of " + std::to_string(a.at("sessions").size())),
            std::string::npos)
      << text.out;
  EXPECT_EQ(run("schedule --date 2026-02-30").exit_code, 2);
}

}  // namespace
