// A session's discharge is stored with the clinic's one JSON form (clinic::to_json /
// clinic::discharge_from_json), its time kept under "assessed_at" so stored rows and their audit
// digests are byte for byte what they were; derived values are restored as stored.

#include <gtest/gtest.h>

#include "clinic/json/json.h"
#include "store/test_databases.h"

namespace ketapath::store::testing {
namespace {

clinic::Timestamp at(std::string_view text) {
  return *clinic::parse_timestamp(text, "test");
}

clinic::AuditRecord record(std::string action, std::string entity) {
  return clinic::AuditRecord{at("2026-11-21T10:00:00Z"), "dr.test", std::move(action),
                             std::move(entity),          "null",    "{}"};
}

TEST(SessionForm, TheDischargeIsStoredInTheClinicFormWithItsStoredTimeKey) {
  SqliteTestDatabase database;
  auto store = database.open_initialised();
  ASSERT_NE(store, nullptr);
  auto tx = store->begin();
  ASSERT_TRUE(tx);
  clinic::Patient patient;
  patient.name = "P";
  patient.birth_date = *clinic::parse_date("1980-01-02", "test");
  const auto patient_id = (*tx)->patients().add(patient);
  ASSERT_TRUE(patient_id) << patient_id.error().message;
  clinic::Session s;
  s.patient = *patient_id;
  s.route = clinic::Route::Sc;
  s.dose_per_kg = core::MilligramsPerKilogram(0.5);
  s.dose = core::Milligrams(35);
  s.started_at = at("2026-11-03T10:00:00Z");
  s.ended_at = at("2026-11-03T12:00:00Z");
  clinic::DischargeReadiness d;
  d.assessed_at = at("2026-11-03T12:00:00Z");
  d.alert_and_oriented = true;
  d.vitals_near_baseline = true;
  d.ambulating_steadily = true;
  d.ready = false;
  d.not_ready_reasons = {"no escort"};
  d.assessed_by = "nurse.a";
  d.notes = "n";
  s.discharge = d;
  s.recorded_by = "nurse.a";
  s.recorded_at = at("2026-11-03T12:05:00Z");
  const auto id = (*tx)->sessions().add(s);
  ASSERT_TRUE(id) << id.error().message;
  ASSERT_TRUE((*tx)->append_audit(record("session.record", "session/1")));
  ASSERT_TRUE((*tx)->commit());
  tx->reset();

  auto raw = database.raw();
  ASSERT_NE(raw, nullptr);
  const auto row = raw->query_one("SELECT discharge_json FROM sessions WHERE id = $1",
                                  {sql::integer(id->value())}, {sql::Type::Text});
  ASSERT_TRUE(row && row->has_value());
  // The schema-1 storage bytes (keys sorted; "assessed_at", not the form's "at").
  const std::string stored = (*row)->text(0);
  EXPECT_EQ(stored, R"({"alert_and_oriented":true,"ambulating_steadily":true,)"
                    R"("assessed_at":"2026-11-03T12:00:00Z","assessed_by":"nurse.a",)"
                    R"("escort_present":false,"not_ready_reasons":["no escort"],"notes":"n",)"
                    R"("ready":false,"vitals_near_baseline":true})");
  // It is the clinic's form with that one key renamed.
  clinic::Json form = clinic::to_json(d);
  form["assessed_at"] = form["at"];
  form.erase("at");
  EXPECT_EQ(stored, form.dump());

  tx = store->begin();
  ASSERT_TRUE(tx);
  const auto back = (*tx)->sessions().get(*id);
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_TRUE(back->discharge);
  EXPECT_EQ(back->discharge->assessed_at, d.assessed_at);
  EXPECT_FALSE(back->discharge->ready);
  EXPECT_EQ(back->discharge->not_ready_reasons, d.not_ready_reasons);
  EXPECT_EQ(back->discharge->notes, "n");
  tx->reset();

  // A stored value the clinic's reader refuses is storage corruption, named by its column.
  ASSERT_TRUE(raw->execute(
      "UPDATE sessions SET discharge_json = $1 WHERE id = $2",
      {sql::text(R"({"assessed_at":"yesterday","ready":true})"), sql::integer(id->value())}));
  tx = store->begin();
  ASSERT_TRUE(tx);
  const auto corrupt = (*tx)->sessions().get(*id);
  ASSERT_FALSE(corrupt);
  EXPECT_EQ(corrupt.error().code, core::ErrorCode::Storage);
  EXPECT_NE(corrupt.error().message.find("sessions.discharge_json"), std::string::npos)
      << corrupt.error().message;
}

}  // namespace
}  // namespace ketapath::store::testing
