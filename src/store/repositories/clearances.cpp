#include "clinic/domain/clearance.h"
#include "store/repositories/repositories.h"

namespace ketapath::store::repositories {
namespace {

constexpr std::string_view kConsentSelect =
    "SELECT id, patient_id, consented_on, form_version, witness, recorded_at, recorded_by FROM "
    "consents ";
const std::vector<sql::Type> kConsentColumns = {
    sql::Type::Integer, sql::Type::Integer, sql::Type::Text, sql::Type::Text,
    sql::Type::Text,    sql::Type::Text,    sql::Type::Text};
constexpr std::string_view kClearanceSelect =
    "SELECT id, patient_id, screening_id, reason, cleared_at, cleared_by FROM clearances ";
const std::vector<sql::Type> kClearanceColumns = {sql::Type::Integer, sql::Type::Integer,
                                                  sql::Type::Integer, sql::Type::Text,
                                                  sql::Type::Text,    sql::Type::Text};

}  // namespace

core::Result<clinic::ConsentId> SqlClearances::add_consent(const clinic::Consent& c) {
  KETAPATH_TRY(state_.for_write());
  auto& connection = *state_.connection;
  KETAPATH_TRY(require_row(connection, "patients", "patient", c.patient.value()));
  auto row = KETAPATH_TRY(connection.query_one(
      "INSERT INTO consents (patient_id, consented_on, form_version, witness, recorded_at, "
      "recorded_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
      {sql::integer(c.patient.value()), date(c.consented_on), sql::text(c.form_version),
       sql::text(c.witness), timestamp(c.recorded_at), sql::text(c.recorded_by)},
      {sql::Type::Integer}));
  return clinic::ConsentId(row->integer(0));
}

core::Result<std::vector<clinic::Consent>> SqlClearances::consents(clinic::PatientId patient) {
  KETAPATH_TRY(state_.usable());
  auto rows = KETAPATH_TRY(
      state_.connection->query(std::string(kConsentSelect) + "WHERE patient_id = $1 ORDER BY id",
                               {sql::integer(patient.value())}, kConsentColumns));
  std::vector<clinic::Consent> out;
  for (const auto& r : rows) {
    clinic::Consent c;
    c.id = clinic::ConsentId(r.integer(0));
    c.patient = clinic::PatientId(r.integer(1));
    c.consented_on = KETAPATH_TRY(read_date(r, 2, "consents.consented_on"));
    c.form_version = r.text(3);
    c.witness = r.text(4);
    c.recorded_at = KETAPATH_TRY(read_timestamp(r, 5, "consents.recorded_at"));
    c.recorded_by = r.text(6);
    out.push_back(std::move(c));
  }
  return out;
}

core::Result<clinic::ClearanceId> SqlClearances::add_clearance(const clinic::Clearance& c) {
  KETAPATH_TRY(state_.for_write());
  auto& connection = *state_.connection;
  KETAPATH_TRY(require_row(connection, "patients", "patient", c.patient.value()));
  KETAPATH_TRY(require_row(connection, "screenings", "screening", c.screening.value()));
  auto row = KETAPATH_TRY(connection.query_one(
      "INSERT INTO clearances (patient_id, screening_id, reason, cleared_at, cleared_by) VALUES "
      "($1, $2, $3, $4, $5) RETURNING id",
      {sql::integer(c.patient.value()), sql::integer(c.screening.value()), sql::text(c.reason),
       timestamp(c.cleared_at), sql::text(c.cleared_by)},
      {sql::Type::Integer}));
  return clinic::ClearanceId(row->integer(0));
}

core::Result<std::vector<clinic::Clearance>> SqlClearances::clearances(clinic::PatientId patient) {
  KETAPATH_TRY(state_.usable());
  auto rows = KETAPATH_TRY(
      state_.connection->query(std::string(kClearanceSelect) + "WHERE patient_id = $1 ORDER BY id",
                               {sql::integer(patient.value())}, kClearanceColumns));
  std::vector<clinic::Clearance> out;
  for (const auto& r : rows) {
    clinic::Clearance c;
    c.id = clinic::ClearanceId(r.integer(0));
    c.patient = clinic::PatientId(r.integer(1));
    c.screening = clinic::ScreeningId(r.integer(2));
    c.reason = r.text(3);
    c.cleared_at = KETAPATH_TRY(read_timestamp(r, 4, "clearances.cleared_at"));
    c.cleared_by = r.text(5);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace ketapath::store::repositories
