// Issue 14 items 2 and 3: `clinic export --format fhir` writes the patient's record as a FHIR R4
// Bundle with the codes the issue names, and tests/fhir/validate.js (the official FHIR R4 JSON
// schema via ajv, references resolving within the Bundle, the vital-signs profile's FHIRPath
// invariants) accepts it, while it refuses a Bundle broken on purpose.

#include <chrono>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "cli_fixture.h"

namespace {

using ketapath::test::ClinicCliFixture;
using nlohmann::json;
namespace chrono = std::chrono;

std::string day_text(chrono::sys_days day) {
  const chrono::year_month_day ymd(day);
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

class ClinicFhirCli : public ClinicCliFixture {
 protected:
  // Runs tests/fhir/validate.js on a Bundle file (scripts/test.sh runs `npm ci` there first).
  ketapath::testing::ShellOutcome validate(const std::string& file) {
    const std::string dir = std::string(KETAPATH_SOURCE_DIR) + "/tests/fhir";
    EXPECT_TRUE(std::filesystem::exists(dir + "/node_modules/ajv"))
        << "run `npm ci` in tests/fhir (scripts/test.sh does)";
    return ketapath::testing::run_shell("node " + dir + "/validate.js " + file + " 2>&1");
  }
};

std::vector<json> of_type(const json& bundle, const std::string& type) {
  std::vector<json> out;
  for (const json& e : bundle.at("entry")) {
    if (e.at("resource").at("resourceType") == type) {
      out.push_back(e.at("resource"));
    }
  }
  return out;
}

bool has_coding(const json& concept_, const std::string& system, const std::string& code) {
  for (const json& c : concept_.value("coding", json::array())) {
    if (c.value("system", "") == system && c.value("code", "") == code) {
      return true;
    }
  }
  return false;
}

std::vector<json> with_code(const std::vector<json>& resources, const std::string& system,
                            const std::string& code) {
  std::vector<json> out;
  for (const json& r : resources) {
    if (has_coding(r.at("code"), system, code)) {
      out.push_back(r);
    }
  }
  return out;
}

TEST_F(ClinicFhirCli, TheExportIsAValidR4BundleWithTheNamedCodes) {
  const auto today = chrono::floor<chrono::days>(chrono::system_clock::now());
  chrono::sys_days monday = today - chrono::days(21);
  while (chrono::weekday(monday) != chrono::Monday) {
    monday -= chrono::days(1);
  }
  const int id = add_cleared_patient(day_text(monday));
  const std::string p = " --patient " + std::to_string(id);
  ASSERT_EQ(run("patient diagnose" + p + " --diagnosis sad:F40.10").exit_code, 0) << last_error();
  const auto c = run("course plan" + p + " --protocol iv_loading --per-week 3 --start " +
                     day_text(monday) + " --json");
  ASSERT_EQ(c.exit_code, 0) << last_error();
  for (const int offset : {0, 2}) {
    json s = session_on(id, day_text(monday + chrono::days(offset)));
    s["course"] = json::parse(c.out).at("id");
    if (offset == 0) {
      s["adverse_events"].push_back({{"at", day_text(monday) + "T09:30:00Z"},
                                     {"description", "hypertensive reaction 178/112"},
                                     {"severity", "severe"},
                                     {"serious", false},
                                     {"action", "infusion stopped"},
                                     {"resolved", false},
                                     {"outcome", "GP to recheck"}});
    }
    ASSERT_EQ(
        run("session record " + write("s" + std::to_string(offset) + ".json", ready(s))).exit_code,
        0)
        << last_error();
  }
  ASSERT_EQ(run("assessment record" + p + " --scale phq-9 --items 1,1,1,1,1,0,1,0,0 --at " +
                day_text(monday + chrono::days(3)) + "T10:00:00Z")
                .exit_code,
            0)
      << last_error();
  const json raised = alerts(id);
  ASSERT_FALSE(raised.empty());
  ASSERT_EQ(run("alert ack " + std::to_string(raised[0].at("id").get<int>()) +
                " --note 'BP rechecked, PCP called'")
                .exit_code,
            0);

  const std::string file = (dir_ / "bundle.json").string();
  ASSERT_EQ(run("export --format fhir" + p + " -o " + file).exit_code, 0) << last_error();
  EXPECT_EQ(run("export --format csv" + p).exit_code, 2);
  EXPECT_EQ(run("export --format fhir --patient 999").exit_code, 4);
  const json b = json::parse(std::ifstream(file));
  EXPECT_EQ(b.at("resourceType"), "Bundle");
  EXPECT_EQ(b.at("type"), "collection");

  // Patient, the two diagnoses in ICD-10-CM with SNOMED CT, consent, one CarePlan.
  ASSERT_EQ(of_type(b, "Patient").size(), 1u);
  EXPECT_EQ(of_type(b, "Patient")[0].at("gender"), "female");
  const auto conditions = of_type(b, "Condition");
  ASSERT_EQ(conditions.size(), 2u);
  EXPECT_EQ(with_code(conditions, "http://hl7.org/fhir/sid/icd-10-cm", "F41.1").size(), 1u);
  EXPECT_EQ(with_code(conditions, "http://snomed.info/sct", "21897009").size(), 1u);
  EXPECT_EQ(with_code(conditions, "http://hl7.org/fhir/sid/icd-10-cm", "F40.10").size(), 1u);
  EXPECT_EQ(with_code(conditions, "http://snomed.info/sct", "25501002").size(), 1u);
  EXPECT_EQ(of_type(b, "Consent").size(), 1u);
  const auto plans = of_type(b, "CarePlan");
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_EQ(plans[0].at("activity").size(), 6u);  // six planned infusions

  // One Encounter and one MedicationAdministration per session: RxNorm ketamine, 35 mg, IV,
  // 35 mg over 40 min = 52.5 mg/h.
  EXPECT_EQ(of_type(b, "Encounter").size(), 2u);
  const auto given = of_type(b, "MedicationAdministration");
  ASSERT_EQ(given.size(), 2u);
  const json& m = given[0];
  EXPECT_TRUE(has_coding(m.at("medicationCodeableConcept"),
                         "http://www.nlm.nih.gov/research/umls/rxnorm", "6130"));
  EXPECT_EQ(m.at("dosage").at("dose").at("value"), 35);
  EXPECT_EQ(m.at("dosage").at("dose").at("code"), "mg");
  EXPECT_TRUE(has_coding(m.at("dosage").at("route"), "http://snomed.info/sct", "47625008"));
  EXPECT_DOUBLE_EQ(m.at("dosage").at("rateRatio").at("numerator").at("value").get<double>(), 52.5);
  EXPECT_EQ(m.at("dosage").at("rateRatio").at("denominator").at("code"), "h");
  EXPECT_EQ(m.at("effectivePeriod").at("start"), day_text(monday) + "T09:00:00Z");
  EXPECT_EQ(m.at("effectivePeriod").at("end"), day_text(monday) + "T09:40:00Z");

  // Vitals: 7 sets per session; BP as the 85354-9 panel with both components in mm[Hg].
  const auto observations = of_type(b, "Observation");
  const auto bp = with_code(observations, "http://loinc.org", "85354-9");
  ASSERT_EQ(bp.size(), 14u);
  EXPECT_FALSE(bp[0].contains("valueQuantity"));
  std::map<std::string, double> components;
  for (const json& comp : bp[0].at("component")) {
    components[comp.at("code").at("coding")[0].at("code")] =
        comp.at("valueQuantity").at("value").get<double>();
    EXPECT_EQ(comp.at("valueQuantity").at("code"), "mm[Hg]");
  }
  EXPECT_EQ(components, (std::map<std::string, double>{{"8480-6", 128}, {"8462-4", 82}}));
  const auto hr = with_code(observations, "http://loinc.org", "8867-4");
  ASSERT_EQ(hr.size(), 14u);
  EXPECT_EQ(hr[0].at("valueQuantity").at("code"), "/min");
  const auto spo2 = with_code(observations, "http://loinc.org", "2708-6");
  ASSERT_EQ(spo2.size(), 14u);
  EXPECT_TRUE(has_coding(spo2[0].at("code"), "http://loinc.org", "59408-5"));
  EXPECT_EQ(spo2[0].at("valueQuantity").at("code"), "%");
  const auto weight = with_code(observations, "http://loinc.org", "29463-7");
  ASSERT_EQ(weight.size(), 1u);
  EXPECT_EQ(weight[0].at("valueQuantity").at("value"), 70);
  EXPECT_EQ(weight[0].at("valueQuantity").at("code"), "kg");

  // Scores: GAD-7 and PHQ-9 in LOINC, HAM-A and CADSS in the project's CodeSystem; each total
  // derives from its QuestionnaireResponse (every rating's item answers).
  const auto gad7 = with_code(observations, "http://loinc.org", "70274-6");
  ASSERT_EQ(gad7.size(), 2u);
  EXPECT_EQ(gad7[0].at("valueQuantity").at("value"), 14);
  EXPECT_EQ(gad7[0].at("valueQuantity").at("code"), "{score}");
  EXPECT_EQ(with_code(observations, "http://loinc.org", "44261-6").size(), 1u);
  const std::string project = "https://fhir.ketapath.org/CodeSystem/scores";
  EXPECT_EQ(with_code(observations, project, "ham-a-total").size(), 4u);
  EXPECT_EQ(with_code(observations, project, "cadss-total").size(), 2u);
  ASSERT_EQ(of_type(b, "CodeSystem").size(), 1u);
  EXPECT_EQ(of_type(b, "CodeSystem")[0].at("url"), project);
  const auto answers = of_type(b, "QuestionnaireResponse");
  EXPECT_EQ(answers.size(), 9u);  // 4 ratings per session + the follow-up PHQ-9
  EXPECT_EQ(answers[0].at("item").size(), 7u);

  // Adverse events and alerts (the acknowledgement as the mitigation).
  EXPECT_EQ(of_type(b, "AdverseEvent").size(), 3u);
  const auto issues = of_type(b, "DetectedIssue");
  EXPECT_EQ(issues.size(), raised.size());
  bool mitigated = false;
  for (const json& issue : issues) {
    if (issue.contains("mitigation")) {
      mitigated = issue.at("mitigation")[0].at("action").at("text") == "BP rechecked, PCP called";
    }
  }
  EXPECT_TRUE(mitigated);

  // The official schema, references within the Bundle, the vital-signs invariants.
  const auto valid = validate(file);
  EXPECT_EQ(valid.exit_code, 0) << valid.out;
  EXPECT_NE(valid.out.find(" 0 problem(s)"), std::string::npos) << valid.out;

  // The same check refuses a Bundle broken on purpose: a BP panel without its diastolic
  // component, an unknown element and a reference to an entry that is not there.
  json broken = b;
  for (json& e : broken.at("entry")) {
    json& r = e.at("resource");
    if (r.at("resourceType") == "Observation" &&
        has_coding(r.at("code"), "http://loinc.org", "85354-9")) {
      r.at("component").erase(1);
      break;
    }
  }
  broken.at("entry")[2].at("resource")["onsetdate"] = "2026-01-02";  // a Condition
  broken.at("entry").erase(1);  // the Patient: every subject reference now dangles
  const std::string broken_file = write("broken.json", broken);
  const auto refused = validate(broken_file);
  EXPECT_EQ(refused.exit_code, 1) << refused.out;
  EXPECT_NE(refused.out.find("exactly one component 8462-4"), std::string::npos) << refused.out;
  EXPECT_NE(refused.out.find("does not resolve within the Bundle"), std::string::npos);
  EXPECT_NE(refused.out.find("Condition/condition-1: schema"), std::string::npos) << refused.out;
}

// Item 4 and 5 through the CLI: `import --format fhir FILE` creates a new patient from an
// exported Bundle (a refused Bundle stores nothing: exit 3, the audit unchanged; a file that is
// no Bundle: exit 2), and `export --format research-csv` is the admin's, written 0600.
TEST_F(ClinicFhirCli, ImportAndResearchExport) {
  const int id = add_cleared_patient();
  const std::string p = " --patient " + std::to_string(id);
  ASSERT_EQ(
      run("session record " + write("s.json", ready(session_on(id, ketapath::test::test_day(0)))))
          .exit_code,
      0)
      << last_error();
  const std::string file = (dir_ / "bundle.json").string();
  ASSERT_EQ(run("export --format fhir" + p + " -o " + file).exit_code, 0) << last_error();
  json bundle = json::parse(std::ifstream(file));

  // A weight in stone: refused, naming the entry, the element and the value; nothing stored.
  json broken = bundle;
  std::string where;
  for (std::size_t i = 0; i < broken.at("entry").size(); ++i) {
    json& r = broken.at("entry")[i].at("resource");
    if (r.at("resourceType") == "Observation" &&
        has_coding(r.at("code"), "http://loinc.org", "29463-7")) {
      r["valueQuantity"]["code"] = "stone";
      where = fmt::format("entry[{}] Observation/{}", i, r.at("id").get<std::string>());
    }
  }
  ASSERT_FALSE(where.empty());
  const int entries = audit_entries();
  EXPECT_EQ(run("import --format fhir " + write("broken.json", broken)).exit_code, 3);
  EXPECT_NE(last_error().find(where + ": valueQuantity.code: must be kg, g or [lb_av] (UCUM) "
                                      "(got \"stone\")"),
            std::string::npos)
      << last_error();
  EXPECT_EQ(run("import --format fhir " + write("patient.json", bundle.at("entry")[1])).exit_code,
            2);
  EXPECT_NE(last_error().find("resourceType: must be \"Bundle\""), std::string::npos)
      << last_error();
  EXPECT_EQ(audit_entries(), entries);

  // The Bundle itself: a new patient with the history; the session is external history.
  const auto imported = run("import --format fhir " + file + " --json");
  ASSERT_EQ(imported.exit_code, 0) << last_error();
  const json out = json::parse(imported.out);
  const int copy = out.at("id").get<int>();
  EXPECT_NE(copy, id);
  EXPECT_EQ(out.at("diagnoses"), 1);
  EXPECT_EQ(out.at("weights"), 1);
  EXPECT_EQ(out.at("ratings"), 4);  // the example session's four ratings
  EXPECT_NE(out.at("not_imported").dump().find("Encounter"), std::string::npos) << out.dump();
  EXPECT_EQ(audit_entries(), entries + 1);
  const auto shown = run("patient show --patient " + std::to_string(copy) + " --json");
  ASSERT_EQ(shown.exit_code, 0) << last_error();
  EXPECT_EQ(json::parse(shown.out).at("name"), "Test Patient");

  // The research CSV: the admin's (test.nurse holds admin), not a prescriber's.
  const std::string csv = (dir_ / "research.csv").string();
  ASSERT_EQ(run("export --format research-csv -o " + csv).exit_code, 0) << last_error();
  EXPECT_EQ(std::filesystem::status(csv).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::ifstream in(csv);
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header.rfind("subject,age_at_first_visit,sex,record,day,", 0), 0u) << header;
  std::stringstream rest;
  rest << in.rdbuf();
  EXPECT_EQ(rest.str().find("Test Patient"), std::string::npos);
  // Day 0 is the screening and consent visit (test_day(-3)), so the session is on day 3.
  EXPECT_NE(rest.str().find(",dose,3,"), std::string::npos) << rest.str();
  EXPECT_EQ(run("export --format research-csv", "dr.lee").exit_code, 3);
  EXPECT_EQ(run("export --format research-csv" + p).exit_code, 2);
}

}  // namespace
