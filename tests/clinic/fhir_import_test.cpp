// Issue 14 item 4: a FHIR R4 Bundle creates a patient with that history (clinic/fhir/
// fhir_import.h + ClinicService::import_record). Round trip on the demo's record: export, import
// into an empty database, export again: the same clinical content (compared as listed in
// clinical_content below). Refusals name the entry (index, Type/id), the element and the value,
// and store nothing (rows and audit length unchanged).

#include "clinic/fhir/fhir_import.h"

#include <algorithm>

#include <fmt/format.h>

#include "clinic/fhir/fhir_export.h"
#include "clinic/service/demo.h"
#include "fixtures.h"
#include "store/memory/memory_store.h"

namespace ketapath::clinic {
namespace {

using ketapath::testing::must;
using testing::kNow;
using Json = nlohmann::json;

Json export_of(ClinicService& service, PatientId id) {
  return Json::parse(fhir_bundle(must(fhir_export_data(service, id))).dump());
}

const Json* by_url(const Json& bundle, const std::string& url) {
  for (const Json& e : bundle.at("entry")) {
    if (e.at("fullUrl") == url) {
      return &e.at("resource");
    }
  }
  return nullptr;
}

std::string codings(const Json& concept_) {
  std::vector<std::string> out;
  for (const Json& c : concept_.at("coding")) {
    out.push_back(c.at("system").get<std::string>() + "|" + c.at("code").get<std::string>());
  }
  std::sort(out.begin(), out.end());
  return fmt::format("{}", fmt::join(out, " "));
}

bool has_code(const Json& r, const std::string& code) {
  return codings(r.at("code")).find("|" + code) != std::string::npos;
}

// The clinical content the import takes, one line per fact, sorted; what it leaves out are
// ids, fullUrls and references (they are new), the Bundle's timestamp, encounter links, and the
// resources the import does not take (sessions, doses, other vitals, plans, consents, adverse
// events, alerts):
//   Patient: name, gender, birthDate;
//   Condition: its codings (ICD-10-CM and SNOMED CT), recordedDate, the primary flag;
//   body weight: effective day, value, UCUM unit, the estimated flag;
//   score: its codings, effectiveDateTime, value, performer, and the item answers (linkId=value)
//   of the QuestionnaireResponse it is derived from, with that response's questionnaire.
std::vector<std::string> clinical_content(const Json& bundle) {
  std::vector<std::string> lines;
  for (const Json& e : bundle.at("entry")) {
    const Json& r = e.at("resource");
    const std::string type = r.at("resourceType");
    const std::string extensions = r.contains("extension") ? r.at("extension").dump() : "";
    if (type == "Patient") {
      lines.push_back(fmt::format("Patient {} {} {}", r.at("name")[0].at("text").get<std::string>(),
                                  r.at("gender").get<std::string>(),
                                  r.at("birthDate").get<std::string>()));
    } else if (type == "Condition") {
      lines.push_back(fmt::format("Condition {} {} {}", codings(r.at("code")),
                                  r.at("recordedDate").get<std::string>(), extensions));
    } else if (type == "Observation" && has_code(r, "29463-7")) {
      lines.push_back(fmt::format("Weight {} {} {} {}",
                                  r.at("effectiveDateTime").get<std::string>(),
                                  r.at("valueQuantity").at("value").dump(),
                                  r.at("valueQuantity").at("code").get<std::string>(), extensions));
    } else if (type == "Observation" && r.contains("derivedFrom")) {
      const Json* answers = by_url(bundle, r.at("derivedFrom")[0].at("reference"));
      EXPECT_NE(answers, nullptr);
      std::string items;
      for (const Json& item : answers->at("item")) {
        items += fmt::format(" {}={}", item.at("linkId").get<std::string>(),
                             item.at("answer")[0].at("valueInteger").get<int>());
      }
      lines.push_back(fmt::format(
          "Score {} {} {} {} {}{}", codings(r.at("code")),
          r.at("effectiveDateTime").get<std::string>(), r.at("valueQuantity").at("value").dump(),
          r.contains("performer") ? r.at("performer")[0].at("display").get<std::string>() : "-",
          answers->at("questionnaire").get<std::string>(), items));
    }
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

std::size_t count(const Json& bundle, const std::string& type) {
  return static_cast<std::size_t>(
      std::count_if(bundle.at("entry").begin(), bundle.at("entry").end(),
                    [&](const Json& e) { return e.at("resource").at("resourceType") == type; }));
}

class FhirImport : public ::testing::Test {
 protected:
  void SetUp() override {
    must(source_.initialize());
    const auto demo = must(fill_demo(source_, 42, 4));
    patient_ = demo.patients.at(3);  // the PHQ-9 item 9 story (an urgent alert)
    bundle_ = export_of(source_, patient_);
    must(target_.initialize());
    testing::add_staff(target_);
  }

  /// Rows and audit length of the target database, to show a refusal stored nothing.
  std::pair<std::size_t, std::int64_t> state() {
    return {must(target_.patients()).size(), must(target_store_.audit().verify()).entries};
  }

  Json& entry(const std::string& type, const std::string& code = "") {
    for (Json& e : bundle_.at("entry")) {
      Json& r = e.at("resource");
      if (r.at("resourceType") == type && (code.empty() || has_code(r, code))) {
        return e;
      }
    }
    ADD_FAILURE() << "no " << type << " " << code;
    return bundle_;
  }

  std::size_t index_of(const Json& e) const {
    const auto& entries = bundle_.at("entry");
    return static_cast<std::size_t>(std::find(entries.begin(), entries.end(), e) - entries.begin());
  }

  /// Parses and imports; the error when refused at either step.
  core::Result<ImportResult> import(const Json& bundle) {
    auto record = external_record_from_fhir(bundle, "b.json");
    if (!record) {
      return std::unexpected(record.error());
    }
    return target_.import_record(std::move(*record));
  }

  void expect_refused(const Json& bundle, const std::vector<std::string>& says) {
    const auto before = state();
    const auto result = import(bundle);
    ASSERT_FALSE(result) << "accepted";
    for (const auto& s : says) {
      EXPECT_NE(result.error().message.find(s), std::string::npos)
          << "\"" << s << "\" not in: " << result.error().message;
    }
    EXPECT_EQ(state(), before) << result.error().message;
  }

  MemoryStore source_store_;
  ClinicService source_{source_store_, "demo", [] {
                          return kNow;
                        }};
  MemoryStore target_store_;
  ClinicService target_{target_store_, "importer", [] {
                          return kNow;
                        }};
  PatientId patient_{};
  Json bundle_;
};

TEST_F(FhirImport, RoundTripKeepsTheClinicalContent) {
  const auto before = clinical_content(bundle_);
  ASSERT_GE(count(bundle_, "Encounter"), 6u);  // the loading course's sessions
  const auto imported = must(import(bundle_));
  const Json again = export_of(target_, imported.patient);
  EXPECT_EQ(clinical_content(again), before);
  // Not trivially equal: the demo's patient, diagnoses, weights and every rating are in it.
  std::size_t scores = 0;
  for (const auto& line : before) {
    scores += line.starts_with("Score ") ? 1 : 0;
  }
  EXPECT_GE(scores, 20u);
  EXPECT_EQ(imported.assessments.size(), scores);
  EXPECT_EQ(std::count_if(before.begin(), before.end(),
                          [](const std::string& l) { return l.starts_with("Patient "); }),
            1);
  EXPECT_TRUE(std::any_of(before.begin(), before.end(),
                          [](const std::string& l) { return l.starts_with("Condition "); }));
  EXPECT_TRUE(std::any_of(before.begin(), before.end(),
                          [](const std::string& l) { return l.starts_with("Weight "); }));

  // External history: no session or dose given here, so no Encounter or administration.
  EXPECT_EQ(count(again, "Encounter"), 0u);
  EXPECT_EQ(count(again, "MedicationAdministration"), 0u);
  EXPECT_TRUE(must(target_.sessions(imported.patient)).empty());
  EXPECT_TRUE(must(target_.doses(imported.patient)).empty());
  for (const Assessment& a : must(target_.assessments(imported.patient))) {
    EXPECT_EQ(a.notes, fmt::format("external history: imported from FHIR Bundle patient-{}-export",
                                   patient_.value()));
    EXPECT_FALSE(a.last_dose_session.has_value());
  }
  // What was left out is said, not dropped silently.
  const auto& skipped = imported.not_imported;
  EXPECT_TRUE(std::any_of(skipped.begin(), skipped.end(), [](const std::string& l) {
    return l.find("Encounter (sessions and doses given elsewhere") != std::string::npos;
  })) << fmt::format("{}", fmt::join(skipped, "; "));
  // A PHQ-9 item 9 answer above 0 raises the urgent alert here too.
  ASSERT_FALSE(imported.alerts.empty());
  EXPECT_EQ(imported.alerts[0].level, AlertLevel::Urgent);
  // One audit entry for the whole import, under the importing user.
  const auto entries = must(target_store_.audit().entries(1, 1000));
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries.back().record.action, "patient.import");
  EXPECT_EQ(entries.back().record.actor, "importer");
  EXPECT_TRUE(must(target_store_.audit().verify()).intact);
}

TEST_F(FhirImport, RefusalsNameTheEntryElementAndValueAndStoreNothing) {
  {  // a unit the clinic does not know
    Json& w = entry("Observation", "29463-7");
    const std::string where = fmt::format("entry[{}] Observation/{}", index_of(w),
                                          w.at("resource").at("id").get<std::string>());
    const Json saved = w;
    w["resource"]["valueQuantity"]["code"] = "stone";
    expect_refused(bundle_, {"b.json: " + where, "valueQuantity.code", "\"stone\""});
    w = saved;
  }
  {  // a weight out of range: refused by the clinic's own validation, naming the entry
    Json& w = entry("Observation", "29463-7");
    const std::string where = fmt::format("entry[{}] Observation/{}", index_of(w),
                                          w.at("resource").at("id").get<std::string>());
    const Json saved = w;
    w["resource"]["valueQuantity"]["value"] = 500;
    expect_refused(bundle_, {where, "body weight", "500"});
    w = saved;
  }
  {  // an item answer out of range, in the QuestionnaireResponse of a GAD-7 total
    Json& o = entry("Observation", "70274-6");
    const std::string ref = o.at("resource").at("derivedFrom")[0].at("reference");
    Json* qr = nullptr;
    for (Json& e : bundle_.at("entry")) {
      qr = e.at("fullUrl") == ref ? &e : qr;
    }
    ASSERT_NE(qr, nullptr);
    const Json saved = *qr;
    (*qr)["resource"]["item"][3]["answer"][0]["valueInteger"] = 9;
    expect_refused(bundle_,
                   {fmt::format("entry[{}] QuestionnaireResponse/", index_of(*qr)), "item 4", "9"});
    *qr = saved;
  }
  {  // a resolved diagnosis
    Json& c = entry("Condition");
    const Json saved = c;
    c["resource"]["clinicalStatus"]["coding"][0]["code"] = "resolved";
    expect_refused(bundle_, {fmt::format("entry[{}] Condition/", index_of(c)), "clinicalStatus",
                             "\"resolved\""});
    c = saved;
  }
  {  // a total without its answers
    Json& o = entry("Observation", "70274-6");
    const Json saved = o;
    o["resource"].erase("derivedFrom");
    expect_refused(bundle_, {fmt::format("entry[{}] Observation/", index_of(o)), "derivedFrom"});
    o = saved;
  }
  {  // a score about someone else
    Json& o = entry("Observation", "70274-6");
    const Json saved = o;
    o["resource"]["subject"]["reference"] = "Patient/other";
    expect_refused(bundle_, {"subject.reference", "\"Patient/other\""});
    o = saved;
  }
  {  // a second Patient
    Json twice = bundle_;
    Json second = twice.at("entry")[1];
    second["fullUrl"] = "urn:uuid:00000000-0000-8000-8000-000000000001";
    second["resource"]["id"] = "patient-other";
    twice.at("entry").push_back(second);
    expect_refused(twice, {"Patient/patient-other", "a second Patient"});
  }
  // Not a Bundle, and a structurally wrong element: malformed input (exit 2), named.
  const auto not_bundle = external_record_from_fhir(Json{{"resourceType", "Patient"}}, "b.json");
  ASSERT_FALSE(not_bundle);
  EXPECT_EQ(not_bundle.error().code, core::ErrorCode::InvalidData);
  EXPECT_NE(not_bundle.error().message.find("b.json: resourceType"), std::string::npos);
  Json wrong = bundle_;
  wrong.at("entry")[1]["resource"]["birthDate"] = 1980;
  const auto typed = external_record_from_fhir(wrong, "b.json");
  ASSERT_FALSE(typed);
  EXPECT_EQ(typed.error().code, core::ErrorCode::InvalidData);
  EXPECT_NE(typed.error().message.find("entry[1] Patient/"), std::string::npos);
  EXPECT_NE(typed.error().message.find("birthDate: must be a string (got 1980)"), std::string::npos)
      << typed.error().message;

  // Roles: a nurse may register and record ratings and weights but not diagnose, so an import
  // with Conditions is refused whole (inside the transaction), nothing stored.
  must(target_.add_user("nurse.only", {Role::Nurse}));
  ClinicService nurse = target_.acting_as("nurse.only");
  const auto before = state();
  const auto refused = nurse.import_record(must(external_record_from_fhir(bundle_, "b.json")));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::ErrorCode::Unauthorized);
  EXPECT_EQ(state(), before);
  // And the unchanged Bundle still imports.
  EXPECT_TRUE(import(bundle_));
}

// A Bundle written by another system: given/family names, onsetDateTime, pounds, fractional
// seconds with an offset, no project extensions, resources the import does not take.
TEST_F(FhirImport, ABundleFromAnotherSystem) {
  const Json patient_ref = {{"reference", "Patient/p1"}};
  Json items = Json::array();
  for (int k = 1; k <= 7; ++k) {
    items.push_back({{"linkId", std::to_string(k)}, {"answer", {{{"valueInteger", k % 3}}}}});
  }
  const Json bundle = {
      {"resourceType", "Bundle"},
      {"id", "elsewhere-1"},
      {"type", "collection"},
      {"entry",
       {{{"resource",
          {{"resourceType", "Patient"},
           {"id", "p1"},
           {"name", {{{"family", "Doe"}, {"given", {"Jane", "Q"}}}}},
           {"gender", "female"},
           {"birthDate", "1979-06-30"}}}},
        {{"resource",
          {{"resourceType", "Condition"},
           {"id", "c1"},
           {"subject", patient_ref},
           {"code",
            {{"coding", {{{"system", "http://hl7.org/fhir/sid/icd-10-cm"}, {"code", "F41.1"}}}}}},
           {"onsetDateTime", "2025-02-03T10:00:00+01:00"}}}},
        {{"resource",
          {{"resourceType", "Observation"},
           {"id", "w1"},
           {"status", "final"},
           {"subject", patient_ref},
           {"code", {{"coding", {{{"system", "http://loinc.org"}, {"code", "29463-7"}}}}}},
           {"effectiveDateTime", "2026-11-01"},
           {"valueQuantity",
            {{"value", 154}, {"system", "http://unitsofmeasure.org"}, {"code", "[lb_av]"}}}}}},
        {{"resource",
          {{"resourceType", "QuestionnaireResponse"},
           {"id", "q1"},
           {"status", "completed"},
           {"subject", patient_ref},
           {"item", items}}}},
        {{"resource",
          {{"resourceType", "Observation"},
           {"id", "g1"},
           {"status", "final"},
           {"subject", patient_ref},
           {"code", {{"coding", {{{"system", "http://loinc.org"}, {"code", "70274-6"}}}}}},
           {"effectiveDateTime", "2026-11-02T09:15:30.250+02:00"},
           {"valueQuantity", {{"value", 7}}},
           {"derivedFrom", {{{"reference", "QuestionnaireResponse/q1"}}}}}}},
        {{"resource", {{"resourceType", "Immunization"}, {"id", "i1"}}}}}}};
  const auto record = must(external_record_from_fhir(bundle, "other.json"));
  EXPECT_EQ(record.patient.name, "Jane Q Doe");
  ASSERT_EQ(record.diagnoses.size(), 1u);
  EXPECT_EQ(record.diagnoses[0].value.disorder, Disorder::Gad);
  EXPECT_EQ(format_date(record.diagnoses[0].value.diagnosed_on), "2025-02-03");
  ASSERT_EQ(record.weights.size(), 1u);
  EXPECT_NEAR(record.weights[0].value.weight.value(), 69.853, 0.001);  // 154 lb
  ASSERT_EQ(record.ratings.size(), 1u);
  EXPECT_EQ(format_timestamp(record.ratings[0].value.rated_at), "2026-11-02T07:15:30Z");
  EXPECT_EQ(record.ratings[0].value.items, (std::vector<int>{1, 2, 0, 1, 2, 0, 1}));
  EXPECT_EQ(record.not_imported,
            std::vector<std::string>{"1 Immunization (not part of what the import takes)"});
  const auto imported = must(target_.import_record(record));
  const auto stored = must(target_.assessments(imported.patient));
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].rating.total, 7);
  EXPECT_EQ(stored[0].notes, "external history: imported from FHIR Bundle elsewhere-1");
  // A total that is not the sum of its answers is refused, naming both.
  Json wrong = bundle;
  wrong["entry"][4]["resource"]["valueQuantity"]["value"] = 8;
  const auto refused = external_record_from_fhir(wrong, "other.json");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("entry[4] Observation/g1: valueQuantity.value: 8 "
                                         "differs from the sum of the item answers in "
                                         "other.json: entry[3] QuestionnaireResponse/q1 (7)"),
            std::string::npos)
      << refused.error().message;
}

}  // namespace
}  // namespace ketapath::clinic
