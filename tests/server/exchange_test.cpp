// Issue 14 from the server: the letter as PDF (GET /api/v1/patients/{id}/report?format=pdf) and
// the record as FHIR R4 (GET /fhir/Patient/{id}/$everything, a searchset Bundle). Who may call
// them is the authorization matrix's business (generated from the route table); here: what they
// answer, and that the FHIR answer passes tests/fhir/validate.js (the official R4 JSON schema,
// references within the Bundle, the vital-signs profile's FHIRPath invariants).

#include "server_fixture.h"
#include "support/shell.h"

namespace ketapath::server::testing {
namespace {

class Exchange : public ServerFixture {
 protected:
  /// A patient with a weight, a GAD diagnosis and a PCP (the letter's addressee).
  std::int64_t add_patient() {
    auto res = call("POST", "/api/v1/patients", "nurse",
                    {{"name", "Olga Exchange"},
                     {"birth_date", "1975-04-03"},
                     {"sex", "F"},
                     {"weight_kg", 64.5}});
    EXPECT_TRUE(res && res->status == 201) << (res ? res->body : "no response");
    const std::int64_t id = Json::parse(res->body).at("id").get<std::int64_t>();
    const std::string base = "/api/v1/patients/" + std::to_string(id);
    res = call("POST", base + "/diagnoses", "prescriber",
               {{"disorder", "gad"}, {"icd10", "F41.1"}, {"primary", true}});
    EXPECT_TRUE(res && res->status == 201) << (res ? res->body : "no response");
    res = call("POST", base + "/care-team", "nurse",
               {{"role", "pcp"}, {"name", "Dr Petra Primary"}, {"practice", "Hill Practice"}});
    EXPECT_TRUE(res && res->status == 201) << (res ? res->body : "no response");
    return id;
  }

  std::string write(const std::string& name, const std::string& bytes) {
    const auto path = dir_ / name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path.string();
  }
};

TEST_F(Exchange, TheLetterAsPdfIsAPdfDocumentWithTheAddresseeAndPatient) {
  const auto id = add_patient();
  auto res =
      call("GET", "/api/v1/patients/" + std::to_string(id) + "/report?format=pdf", "prescriber");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body.substr(0, 300);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/pdf");
  ASSERT_GT(res->body.size(), 1000u);
  EXPECT_EQ(res->body.substr(0, 5), "%PDF-");
  EXPECT_NE(res->body.rfind("%%EOF"), std::string::npos);
  // Read back as a reader sees it (poppler-utils, scripts/install-deps.sh).
  const std::string pdf = write("letter.pdf", res->body);
  const auto text = ketapath::testing::run_shell("pdftotext -raw -enc UTF-8 " + pdf + " - 2>&1");
  ASSERT_EQ(text.exit_code, 0) << text.out;
  EXPECT_NE(text.out.find("Dr Petra Primary"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Olga Exchange"), std::string::npos) << text.out;
  // The HTML letter still answers by default, and an unknown format is a usage error.
  res = call("GET", "/api/v1/patients/" + std::to_string(id) + "/report", "nurse");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/html; charset=utf-8");
  res = call("GET", "/api/v1/patients/" + std::to_string(id) + "/report?format=docx", "nurse");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400) << res->body;
  EXPECT_NE(res->body.find("html, markdown or pdf"), std::string::npos) << res->body;
  // An unknown patient: 404, as for every chart read.
  res = call("GET", "/api/v1/patients/999/report?format=pdf", "prescriber");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404) << res->body;
}

TEST_F(Exchange, PatientEverythingIsAValidSearchsetBundleOfTheRecord) {
  const auto id = add_patient();
  auto res = call("GET", "/fhir/Patient/" + std::to_string(id) + "/$everything", "auditor");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body.substr(0, 300);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/fhir+json");
  const Json bundle = Json::parse(res->body);
  EXPECT_EQ(bundle.at("resourceType"), "Bundle");
  EXPECT_EQ(bundle.at("type"), "searchset");
  EXPECT_EQ(bundle.at("total"), 1);
  int patients = 0;
  bool condition = false;
  bool weight = false;
  for (const Json& e : bundle.at("entry")) {
    const Json& r = e.at("resource");
    const std::string type = r.at("resourceType");
    EXPECT_EQ(e.at("search").at("mode"), type == "Patient" ? "match" : "include") << type;
    if (type == "Patient") {
      ++patients;
      EXPECT_EQ(r.at("name")[0].at("text"), "Olga Exchange");
      EXPECT_EQ(r.at("birthDate"), "1975-04-03");
      EXPECT_EQ(r.at("gender"), "female");
    }
    if (type == "Condition") {
      condition = r.at("code").at("coding")[0].at("code") == "F41.1";
    }
    if (type == "Observation" && r.at("code").at("coding")[0].at("code") == "29463-7") {
      weight = r.at("valueQuantity").at("value") == 64.5;
    }
  }
  EXPECT_EQ(patients, 1);
  EXPECT_TRUE(condition);
  EXPECT_TRUE(weight);

  const std::string dir = std::string(KETAPATH_SOURCE_DIR) + "/tests/fhir";
  ASSERT_TRUE(std::filesystem::exists(dir + "/node_modules/ajv"))
      << "run `npm ci` in tests/fhir (scripts/test.sh does)";
  const std::string file = write("everything.json", res->body);
  const auto valid = ketapath::testing::run_shell("node " + dir + "/validate.js " + file + " 2>&1");
  EXPECT_EQ(valid.exit_code, 0) << valid.out;
  EXPECT_NE(valid.out.find(" 0 problem(s)"), std::string::npos) << valid.out;

  res = call("GET", "/fhir/Patient/999/$everything", "auditor");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404) << res->body;
}

}  // namespace
}  // namespace ketapath::server::testing
