// The public consultation form and the front desk's queue (issue 11, Deliver 6): no account, no
// CSRF, strict validation and size limits (a refusal stores nothing), a rate limit per client
// address, only a reference back; staff mark requests and turn them into patients, audited
// under the signed-in user, the submission under "anonymous".

#include <regex>

#include "server_fixture.h"

namespace ketapath::server::testing {
namespace {

constexpr std::string_view kForm = "/api/v1/public/consultation-requests";

Json form(std::string name = "Ana Example") {
  return {{"name", std::move(name)},
          {"email", "ana@example.org"},
          {"preferred_times", "Tuesday or Thursday mornings"},
          {"reason", "Worry most days for two years; two SSRIs did not help."}};
}

class Consultations : public ServerFixture {
 protected:
  httplib::Result submit(const Json& body) {
    auto res = client_->Post(std::string(kForm), body.dump(), "application/json");
    record("POST", std::string(kForm), res);
    return res;
  }

  /// The audit log's entries from `from` on, read through a second connection.
  std::vector<clinic::AuditEntry> audit_from(std::int64_t from) {
    auto reader = must(store::open_database(db_url_));
    return must(reader->audit().entries(from, 1000));
  }

  Json queue(const std::string& who, const std::string& query = "") {
    auto res = call("GET", "/api/v1/consultation-requests" + query, who);
    EXPECT_TRUE(res && res->status == 200) << (res ? res->body : "no response");
    return Json::parse(res->body).at("consultation_requests");
  }
};

TEST_F(Consultations, TheFormNeedsNoAccountAndReturnsOnlyAReference) {
  const auto before = audit_state();
  auto res = submit(form());
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 201) << res->body;
  const Json reply = Json::parse(res->body);
  ASSERT_EQ(reply.size(), 1u) << res->body;
  const std::string reference = reply.at("reference");
  EXPECT_TRUE(std::regex_match(reference, std::regex("CR-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}")))
      << reference;
  EXPECT_FALSE(res->has_header("Set-Cookie"));
  // Audited as the anonymous submission it is.
  const auto entries = audit_from(before.first + 1);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].record.actor, "anonymous");
  EXPECT_EQ(entries[0].record.action, "consultation.request");
  EXPECT_NE(entries[0].record.after_json.find(reference), std::string::npos);
  // It waits in the queue, new, for everyone who works the front desk.
  const Json q = queue("front_desk");
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].at("reference"), reference);
  EXPECT_EQ(q[0].at("status"), "new");
  EXPECT_EQ(q[0].at("email"), "ana@example.org");
  // A second request gets a different reference.
  auto second = submit(form("Ben Example"));
  ASSERT_TRUE(second && second->status == 201);
  EXPECT_NE(Json::parse(second->body).at("reference"), reference);
}

TEST_F(Consultations, BadFormsAreRefusedNamingTheFieldAndStoreNothing) {
  const auto before = audit_state();

  struct Case {
    std::string what;
    Json body;
    int status;
    std::string says;
  };

  Json no_contact = form();
  no_contact.erase("email");
  Json both_bad = form();
  both_bad["phone"] = "call me";
  Json bad_email = form();
  bad_email["email"] = "ana at example";
  Json long_reason = form();
  long_reason["reason"] = std::string(1001, 'x');
  Json long_name = form();
  long_name["name"] = std::string(201, 'n');
  Json blank_name = form();
  blank_name["name"] = " \u00a0 ";
  Json control = form();
  control["preferred_times"] = "mornings\x1b[31m";
  Json two_lines = form();
  two_lines["name"] = "Ana\nExample";
  Json extra = form();
  extra["status"] = "scheduled";
  Json number = form();
  number["name"] = 42;
  Json few_digits = form();
  few_digits["phone"] = "12 34";
  const std::vector<Case> cases = {
      {"no contact", no_contact, 422, "phone number or an e-mail"},
      {"bad phone", both_bad, 422, "phone"},
      {"bad e-mail", bad_email, 422, "email"},
      {"reason too long", long_reason, 422, "reason: at most 1000"},
      {"name too long", long_name, 422, "name: at most 200"},
      {"blank name", blank_name, 422, "name: must not be empty"},
      {"terminal escape", control, 422, "control characters"},
      {"name over two lines", two_lines, 422, "name"},
      {"unknown key", extra, 400, "unknown key"},
      {"not a string", number, 400, "body.name"},
      {"too few digits", few_digits, 422, "6-20 digits"},
      {"not an object", Json::array({1, 2}), 400, "body"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    auto res = submit(c.body);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, c.status) << res->body;
    EXPECT_NE(res->body.find(c.says), std::string::npos) << res->body;
    const Json error = Json::parse(res->body).at("error");
    EXPECT_EQ(error.at("code"), c.status == 422 ? "refused" : "usage");
  }
  // Malformed JSON and a wrong content type.
  auto malformed = client_->Post(std::string(kForm), "{\"name\":", "application/json");
  ASSERT_TRUE(malformed);
  EXPECT_EQ(malformed->status, 400);
  auto text = client_->Post(std::string(kForm), form().dump(), "text/plain");
  ASSERT_TRUE(text);
  EXPECT_EQ(text->status, 400);
  EXPECT_EQ(audit_state(), before);
  EXPECT_TRUE(queue("admin").empty());
}

TEST_F(Consultations, StrangeTextIsStoredVerbatimNeverExecuted) {
  const std::vector<std::string> hostile = {
      "Robert'); DROP TABLE patients;--", "' OR '1'='1",
      "\"; DELETE FROM audit_log; --",    "<script>alert(1)</script>",
      "Zoë Ñoño 李雷 👩‍⚕️", "$1; SELECT pg_sleep(10)"};
  for (const auto& text : hostile) {
    Json body = form(text);
    body["reason"] = text;
    body["preferred_times"] = text;
    auto res = submit(body);
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 201) << text << ": " << res->body;
  }
  const Json q = queue("nurse");
  ASSERT_EQ(q.size(), hostile.size());
  for (std::size_t i = 0; i < hostile.size(); ++i) {
    EXPECT_EQ(q[i].at("name"), hostile[i]);
    EXPECT_EQ(q[i].at("reason"), hostile[i]);
    EXPECT_EQ(q[i].at("preferred_times"), hostile[i]);
  }
  // The tables are all still there and the audit log verifies.
  auto patients = call("GET", "/api/v1/patients", "admin");
  ASSERT_TRUE(patients && patients->status == 200);
  (void)audit_state();
}

class RateLimitedConsultations : public Consultations {
 protected:
  void customise(ServerOptions& options) override { options.forms_per_window = 3; }
};

TEST_F(RateLimitedConsultations, AnAddressIsLimitedAndTheExcessStoresNothing) {
  for (int i = 0; i < 3; ++i) {
    auto res = submit(i == 1 ? Json{{"name", "x"}} : form());  // refused forms count too
    ASSERT_TRUE(res);
    EXPECT_NE(res->status, 429);
  }
  const auto before = audit_state();
  auto res = submit(form());
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 429) << res->body;
  const Json error = Json::parse(res->body).at("error");
  EXPECT_EQ(error.at("code"), "rate_limited");
  EXPECT_NE(error.at("message").get<std::string>().find("try again in"), std::string::npos);
  EXPECT_EQ(audit_state(), before);
  EXPECT_EQ(queue("front_desk").size(), 2u);
  // Sign-in is unaffected by the form's limit.
  EXPECT_FALSE(sign_in("nurse").cookie.empty());
}

TEST_F(Consultations, TheFrontDeskWorksTheQueueUnderItsOwnName) {
  ASSERT_EQ(submit(form())->status, 201);
  ASSERT_EQ(submit(form("Ben Example"))->status, 201);
  const Json q = queue("front_desk");
  ASSERT_EQ(q.size(), 2u);
  const std::string first = "/api/v1/consultation-requests/" + q[0].at("id").dump();
  const std::string second = "/api/v1/consultation-requests/" + q[1].at("id").dump();

  auto contacted = call("POST", first + "/status", "front_desk",
                        {{"status", "contacted"}, {"note", "left a voicemail"}});
  ASSERT_TRUE(contacted);
  ASSERT_EQ(contacted->status, 200) << contacted->body;
  EXPECT_EQ(Json::parse(contacted->body).at("updated_by"), "front_desk");
  EXPECT_EQ(queue("auditor", "?status=contacted").size(), 1u);
  EXPECT_EQ(queue("auditor", "?status=new").size(), 1u);
  EXPECT_EQ(call("GET", "/api/v1/consultation-requests?status=lost", "admin")->status, 400);

  // The auditor reads but changes nothing; the CSRF token is required of staff.
  const auto before = audit_state();
  EXPECT_EQ(call("POST", second + "/status", "auditor", {{"status", "declined"}})->status, 403);
  EXPECT_EQ(call("POST", second + "/status", "front_desk", {{"status", "declined"}},
                 /*with_csrf=*/false)
                ->status,
            403);
  EXPECT_EQ(call("POST", second + "/status", "front_desk", {{"status", "converted"}})->status, 400);
  EXPECT_EQ(audit_state(), before);

  // Turned into a patient: one transaction, audited under the front desk.
  auto converted =
      call("POST", first + "/patient", "front_desk", {{"birth_date", "1988-04-02"}, {"sex", "F"}});
  ASSERT_TRUE(converted);
  ASSERT_EQ(converted->status, 201) << converted->body;
  const Json c = Json::parse(converted->body);
  EXPECT_EQ(c.at("status"), "converted");
  const auto patient_id = c.at("patient").get<std::int64_t>();
  const auto entries = audit_from(before.first + 1);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].record.action, "patient.add");
  EXPECT_EQ(entries[1].record.action, "consultation.convert");
  EXPECT_EQ(entries[0].record.actor, "front_desk");
  EXPECT_EQ(entries[1].record.actor, "front_desk");
  const Json patients = Json::parse(call("GET", "/api/v1/patients", "front_desk")->body);
  ASSERT_EQ(patients.at("patients").size(), 1u);
  EXPECT_EQ(patients.at("patients")[0].at("id"), patient_id);
  EXPECT_EQ(patients.at("patients")[0].at("name"), "Ana Example");

  // Final states stay final; a refused conversion stores nothing.
  const auto after = audit_state();
  EXPECT_EQ(call("POST", first + "/status", "nurse", {{"status", "declined"}})->status, 409);
  EXPECT_EQ(call("POST", first + "/patient", "nurse", {{"birth_date", "1988-04-02"}, {"sex", "F"}})
                ->status,
            409);
  EXPECT_EQ(call("POST", second + "/patient", "nurse", {{"birth_date", "2199-01-01"}, {"sex", "F"}})
                ->status,
            422);
  EXPECT_EQ(call("POST", second + "/patient", "nurse", {{"birth_date", "1990-01-01"}})->status,
            400);
  EXPECT_EQ(
      call("POST", "/api/v1/consultation-requests/999/status", "nurse", {{"status", "declined"}})
          ->status,
      404);
  EXPECT_EQ(audit_state(), after);
}

}  // namespace
}  // namespace ketapath::server::testing
