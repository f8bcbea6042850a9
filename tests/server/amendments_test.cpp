// Issue 15 items 5 and 6 over HTTP: a screening amended through the API is re-evaluated into a
// screening that amends it, the original stays listed, the amendment is listed with its
// original value and audited under the caller; a malformed body is refused naming the field,
// with nothing stored; the medication log is written and read with its interaction warnings.

#include <fstream>

#include "server_fixture.h"

namespace ketapath::server::testing {
namespace {

class Amendments : public ServerFixture {
 protected:
  void SetUp() override {
    ServerFixture::SetUp();
    const std::string source = KETAPATH_SOURCE_DIR;
    ASSERT_EQ(
        call(
            "POST", "/api/v1/patients", "nurse",
            {{"name", "Amend Test"}, {"birth_date", "1980-01-02"}, {"sex", "F"}, {"weight_kg", 70}})
            ->status,
        201);
    ASSERT_EQ(call("POST", "/api/v1/patients/1/diagnoses", "prescriber",
                   {{"disorder", "gad"}, {"icd10", "F41.1"}, {"primary", true}})
                  ->status,
              201);
    // A failed adequate trial, so the screening is eligible before it is amended.
    ASSERT_EQ(call("POST", "/api/v1/patients/1/treatment-history", "nurse",
                   Json::parse(std::ifstream(source + "/examples/clinic/history.json")))
                  ->status,
              201);
    const auto screening = Json::parse(std::ifstream(source + "/examples/clinic/screening.json"));
    auto screened = call("POST", "/api/v1/patients/1/screenings", "nurse", screening);
    ASSERT_EQ(screened->status, 201) << screened->body;
    screening_ = Json::parse(screened->body).at("id").get<int>();
  }

  Json listed(const std::string& path) {
    auto res = call("GET", path, "nurse");
    EXPECT_EQ(res->status, 200) << res->body;
    return Json::parse(res->body);
  }

  int screening_ = 0;
};

TEST_F(Amendments, AScreeningIsAmendedKeptAndListed) {
  const auto path = "/api/v1/screenings/" + std::to_string(screening_) + "/amendments";
  auto bad = call("POST", path, "nurse",
                  {{"changes", Json::array({Json{{"field", "contraindications.psychosis"}}})},
                   {"reason", "GP letter"}});
  EXPECT_EQ(bad->status, 400) << bad->body;
  EXPECT_NE(bad->body.find("body.changes[0]"), std::string::npos) << bad->body;
  auto unknown =
      call("POST", path, "nurse",
           {{"changes", Json::array({Json{{"field", "policy.min_age_years"}, {"value", "16"}}})},
            {"reason", "GP letter"}});
  EXPECT_EQ(unknown->status, 422) << unknown->body;
  EXPECT_TRUE(listed("/api/v1/patients/1/amendments").at("amendments").empty());

  auto res = call(
      "POST", path, "nurse",
      {{"changes", Json::array({Json{{"field", "contraindications.psychosis"}, {"value", "yes"}}})},
       {"reason", "psychosis history in the GP letter"}});
  ASSERT_EQ(res->status, 201) << res->body;
  const Json out = Json::parse(res->body);
  EXPECT_EQ(out.at("record").at("amends"), screening_);
  EXPECT_EQ(out.at("record").at("result").at("eligibility"), "not_eligible");
  EXPECT_EQ(out.at("amendments").at(0).at("original"), "no");

  const Json screenings = listed("/api/v1/patients/1/screenings").at("screenings");
  ASSERT_EQ(screenings.size(), 2u);
  for (const Json& s : screenings) {
    if (s.at("id") == screening_) {
      EXPECT_EQ(s.at("result").at("eligibility"), "eligible") << "the original stays";
      EXPECT_FALSE(s.contains("amends"));
    } else {
      EXPECT_EQ(s.at("amends"), screening_);
    }
  }
  const Json amendments = listed("/api/v1/patients/1/amendments").at("amendments");
  ASSERT_EQ(amendments.size(), 1u);
  EXPECT_EQ(amendments.at(0).at("amended_by"), "nurse");
  EXPECT_EQ(amendments.at(0).at("field"), "contraindications.psychosis");
  EXPECT_EQ(amendments.at(0).at("reason"), "psychosis history in the GP letter");
}

TEST_F(Amendments, TheMedicationLogWithItsWarnings) {
  auto started = call("POST", "/api/v1/patients/1/medications", "nurse",
                      {{"action", "start"}, {"name", "Lorazepam"}, {"dose", "1 mg"}});
  ASSERT_EQ(started->status, 201) << started->body;
  EXPECT_NE(started->body.find("interaction with benzodiazepine"), std::string::npos);
  auto refused = call("POST", "/api/v1/patients/1/medications", "nurse",
                      {{"action", "stop"}, {"name", "diazepam"}});
  EXPECT_EQ(refused->status, 422) << refused->body;
  const Json list = listed("/api/v1/patients/1/medications");
  ASSERT_EQ(list.at("medications").size(), 1u);
  EXPECT_EQ(list.at("medications").at(0).at("name"), "Lorazepam");
  EXPECT_EQ(list.at("log").size(), 1u);
  EXPECT_TRUE(list.at("last_reconciled").is_null());
  EXPECT_NE(list.at("warnings").dump().find("never been reconciled"), std::string::npos);
  EXPECT_EQ(listed("/api/v1/patients/1").at("medications").at(0).at("recorded_by"), "nurse");
}

}  // namespace
}  // namespace ketapath::server::testing
