// Issue 14 item 5: the de-identified research export. research_csv on hand-made records checks
// the day offsets, minutes and ages exactly; ClinicService::research_export on the demo clinic
// checks that no identifying field appears, that only an admin may run it and that it is
// audited.

#include "clinic/service/research_export.h"

#include <regex>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "clinic/service/demo.h"
#include "fixtures.h"
#include "store/memory/memory_store.h"

namespace ketapath::clinic {
namespace {

using ketapath::testing::must;
using testing::at;
using testing::day;
using testing::kNow;

std::vector<std::vector<std::string>> rows_of(const std::string& csv) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(csv);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::size_t start = 0;
    while (true) {
      const std::size_t comma = line.find(',', start);
      fields.push_back(line.substr(start, comma - start));
      if (comma == std::string::npos) {
        break;
      }
      start = comma + 1;
    }
    rows.push_back(std::move(fields));
  }
  return rows;
}

std::size_t column(const std::string& name) {
  const auto header = rows_of(std::string(kResearchCsvHeader)).at(0);
  return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
}

ResearchSubject hand_made(const char* birth) {
  ResearchSubject s;
  s.patient.name = "Very Identifiable";
  s.patient.birth_date = day(birth);
  s.patient.sex = Sex::Male;
  s.patient.created_at = at("2026-02-20T10:00:00Z");
  ScreeningRecord screening;
  screening.performed_at = at("2026-03-02T11:00:00Z");
  s.screenings.push_back(screening);
  Consent consent;
  consent.consented_on = day("2026-03-01");  // day 0: the earliest visit
  consent.witness = "Wanda Witness";
  s.consents.push_back(consent);
  Course course;
  course.id = CourseId(7);
  course.start = day("2026-03-05");
  s.courses.push_back(course);
  for (const char* when : {"2026-03-09T09:00:00Z", "2026-03-05T09:00:00Z"}) {  // out of order
    Session session;
    session.id = SessionId(when[9] == '9' ? 20 : 10);
    session.course = CourseId(7);
    session.dose_per_kg = core::MilligramsPerKilogram(0.5);
    session.dose = core::Milligrams(35.5);
    session.started_at = at(when);
    session.dose_ended_at = session.started_at + std::chrono::minutes(40);
    session.ratings.push_back(
        {Scale::Gad7, session.started_at - std::chrono::minutes(15), {}, 12, "nurse.name"});
    s.sessions.push_back(session);
  }
  s.sessions[0].adverse_events.push_back({at("2026-03-09T09:30:00Z"), "nausea after the dose",
                                          Severity::Moderate, "ondansetron 4 mg", true, false,
                                          "went home"});
  Assessment follow_up;
  follow_up.rating = {Scale::Gad7, at("2026-03-10T09:00:00Z"), {}, 6, "self"};
  follow_up.last_dose_session = SessionId(20);
  s.assessments.push_back(follow_up);
  Assessment external;
  external.rating = {Scale::Phq9, at("2026-01-15T09:00:00Z"), {}, 9, "Dr Elsewhere"};
  external.notes = "external history: imported from FHIR Bundle x";
  s.assessments.push_back(external);
  return s;
}

TEST(ResearchCsv, DaysCountFromTheFirstVisitAndAgesOver89AreGrouped) {
  const auto csv = research_csv({hand_made("1936-01-01"), hand_made("1936-03-02")});
  EXPECT_EQ(csv.subjects, 2);
  const auto rows = rows_of(csv.text);
  ASSERT_EQ(rows.size(), 1u + 2u * 8u);  // per subject: course, 2 doses, 2 + 2 ratings, 1 AE
  EXPECT_EQ(csv.rows, 16);
  const auto field = [&](const std::vector<std::string>& r, const char* name) {
    return r.at(column(name));
  };
  std::vector<std::string> s1;
  for (const auto& r : rows) {
    ASSERT_EQ(r.size(), 20u) << fmt::format("{}", fmt::join(r, ","));
    if (r[0] == "S1") {
      EXPECT_EQ(field(r, "age_at_first_visit"), "90+");  // 90 on day 0 (2026-03-01)
      s1.push_back(fmt::format("{}@{}", field(r, "record"), field(r, "day")));
    }
    if (r[0] == "S2") {
      EXPECT_EQ(field(r, "age_at_first_visit"), "89");  // 89 on 2026-03-01: not grouped
    }
  }
  EXPECT_EQ(field(rows[1], "sex"), "M");
  // Sorted by day: the imported PHQ-9 (45 days before), the course and first dose and its
  // pre-dose rating (day 4), the second dose with its rating and adverse event (day 8), the
  // follow-up (day 9).
  EXPECT_EQ(s1, (std::vector<std::string>{"rating@-45", "course@4", "dose@4", "rating@4", "dose@8",
                                          "rating@8", "adverse_event@8", "rating@9"}));
  for (const auto& r : rows) {
    if (r[0] != "S1") {
      continue;
    }
    const std::string record = field(r, "record");
    if (record == "dose") {
      EXPECT_EQ(field(r, "course"), "1");
      EXPECT_EQ(field(r, "infusion"), field(r, "day") == "4" ? "1" : "2");
      EXPECT_EQ(field(r, "dose_mg_per_kg"), "0.5");
      EXPECT_EQ(field(r, "dose_mg"), "35.5");
      EXPECT_EQ(field(r, "infusion_min"), "40");
    } else if (record == "adverse_event") {
      EXPECT_EQ(field(r, "minutes_after_dose_start"), "30");
      EXPECT_EQ(field(r, "severity"), "moderate");
      EXPECT_EQ(field(r, "serious"), "0");
      EXPECT_EQ(field(r, "resolved"), "1");
    } else if (record == "rating" && field(r, "day") == "9") {
      EXPECT_EQ(field(r, "rating_source"), "follow_up");
      EXPECT_EQ(field(r, "infusion"), "2");
      EXPECT_EQ(field(r, "minutes_after_dose_start"), "1440");
    } else if (record == "rating" && field(r, "day") == "-45") {
      EXPECT_EQ(field(r, "rating_source"), "external");
      EXPECT_EQ(field(r, "scale"), "phq-9");
    } else if (record == "rating") {
      EXPECT_EQ(field(r, "rating_source"), "session");
      EXPECT_EQ(field(r, "minutes_after_dose_start"), "-15");
    }
  }
  // Without any visit yet, day 0 is the registration day.
  ResearchSubject fresh;
  fresh.patient.created_at = at("2026-04-01T08:00:00Z");
  EXPECT_EQ(first_visit(fresh), day("2026-04-01"));
}

class ResearchExport : public ::testing::Test {
 protected:
  void SetUp() override {
    must(clinic_.initialize());
    summary_ = must(fill_demo(clinic_, 42, 4));
  }

  MemoryStore store_;
  ClinicService clinic_{store_, "demo", [] {
                          return kNow;
                        }};
  DemoSummary summary_;
};

TEST_F(ResearchExport, NoIdentifyingFieldAppears) {
  const auto csv = must(clinic_.research_export());
  EXPECT_EQ(csv.subjects, 4);
  EXPECT_EQ(csv.text.substr(0, kResearchCsvHeader.size()), kResearchCsvHeader);
  // What would identify someone, gathered through the ordinary reads.
  std::set<std::string> identifying = {kDemoPrescriber, kDemoNurse, "demo"};
  for (const PatientId id : summary_.patients) {
    const Patient p = must(clinic_.patient(id));
    identifying.insert(p.name);
    identifying.insert(format_date(p.birth_date));
    for (const auto& m : must(clinic_.care_team(id))) {
      identifying.insert(m.name);
      if (!m.contact.empty()) {
        identifying.insert(m.contact);
      }
    }
    for (const auto& c : must(clinic_.consents(id))) {
      identifying.insert(c.witness);
    }
    for (const auto& s : must(clinic_.sessions(id))) {
      for (const auto& e : s.adverse_events) {
        identifying.insert(e.description);
        identifying.insert(e.action);
      }
      for (const auto& r : s.ratings) {
        if (r.rater != "self" && !r.rater.empty()) {
          identifying.insert(r.rater);
        }
      }
    }
  }
  for (const std::string& text : identifying) {
    if (!text.empty()) {
      EXPECT_EQ(csv.text.find(text), std::string::npos) << "\"" << text << "\" appears";
    }
  }
  // No date or time of any kind, and no field but the documented ones.
  EXPECT_FALSE(std::regex_search(csv.text, std::regex(R"(\d{4}-\d{2}-\d{2}|\d{2}:\d{2})")));
  for (const auto& r : rows_of(csv.text)) {
    EXPECT_EQ(r.size(), 20u);
  }
  // Every dose given in the demo is a row.
  int doses = 0;
  for (const auto& r : rows_of(csv.text)) {
    doses += r.at(column("record")) == "dose" ? 1 : 0;
  }
  EXPECT_EQ(doses, summary_.sessions);
}

TEST_F(ResearchExport, OnlyAnAdminMayExportAndItIsAudited) {
  const auto before = must(store_.audit().verify()).entries;
  for (const char* who : {kDemoPrescriber, kDemoNurse}) {
    const auto refused = clinic_.acting_as(who).research_export();
    ASSERT_FALSE(refused) << who;
    EXPECT_EQ(refused.error().code, core::ErrorCode::Unauthorized);
  }
  must(clinic_.add_user("audit.only", {Role::Auditor}));
  const auto after_user = must(store_.audit().verify()).entries;
  EXPECT_EQ(after_user, before + 1);  // the user, nothing from the refusals
  EXPECT_FALSE(clinic_.acting_as("audit.only").research_export());
  EXPECT_EQ(must(store_.audit().verify()).entries, after_user);
  const auto csv = must(clinic_.research_export());
  const auto entries = must(store_.audit().entries(after_user + 1, 10));
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].record.action, "research.export");
  EXPECT_EQ(entries[0].record.actor, "demo");
  EXPECT_NE(entries[0].record.after_json.find(fmt::format("\"rows\":{}", csv.rows)),
            std::string::npos)
      << entries[0].record.after_json;
}

}  // namespace
}  // namespace ketapath::clinic
