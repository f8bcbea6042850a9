#include "clinic/domain/alert.h"
#include "store/repositories/repositories.h"

namespace ketapath::store::repositories {

core::Result<clinic::AlertId> SqlAlerts::add(const clinic::Alert& a) {
  KETAPATH_TRY(state_.for_write());
  auto& c = *state_.connection;
  KETAPATH_TRY(require_row(c, "patients", "patient", a.patient.value()));
  if (a.session) {
    KETAPATH_TRY(require_row(c, "sessions", "session", a.session->value()));
  }
  auto row = KETAPATH_TRY(c.query_one(
      "INSERT INTO alerts (patient_id, session_id, raised_at, level, measure, value, unit, "
      "threshold, message, acknowledged, acknowledged_by, acknowledged_at, acknowledgement_note) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
      {sql::integer(a.patient.value()), a.session ? sql::integer(a.session->value()) : sql::null(),
       timestamp(a.raised_at), sql::text(clinic::to_string(a.level)), sql::text(a.measure),
       sql::real(a.value), sql::text(a.unit), sql::real(a.threshold), sql::text(a.message),
       boolean(a.acknowledged), sql::text(a.acknowledged_by),
       a.acknowledged_at ? timestamp(*a.acknowledged_at) : sql::null(),
       sql::text(a.acknowledgement_note)},
      {sql::Type::Integer}));
  return clinic::AlertId(row->integer(0));
}

namespace {

constexpr const char* kAlertColumns =
    "SELECT id, patient_id, session_id, raised_at, level, measure, value, unit, threshold, "
    "message, acknowledged, acknowledged_by, acknowledged_at, acknowledgement_note FROM alerts ";

const std::vector<sql::Type> kAlertTypes = {
    sql::Type::Integer, sql::Type::Integer, sql::Type::Integer, sql::Type::Text, sql::Type::Text,
    sql::Type::Text,    sql::Type::Real,    sql::Type::Text,    sql::Type::Real, sql::Type::Text,
    sql::Type::Integer, sql::Type::Text,    sql::Type::Text,    sql::Type::Text};

core::Result<clinic::Alert> read_alert(const sql::Row& r) {
  clinic::Alert a;
  a.id = clinic::AlertId(r.integer(0));
  a.patient = clinic::PatientId(r.integer(1));
  if (auto v = r.optional_integer(2)) {
    a.session = clinic::SessionId(*v);
  }
  a.raised_at = KETAPATH_TRY(read_timestamp(r, 3, "alerts.raised_at"));
  a.level = KETAPATH_TRY(read_enum(r, 4, "alerts.level", clinic::parse_alert_level));
  a.measure = r.text(5);
  a.value = r.real(6);
  a.unit = r.text(7);
  a.threshold = r.real(8);
  a.message = r.text(9);
  a.acknowledged = r.integer(10) != 0;
  a.acknowledged_by = r.text(11);
  if (!r.is_null(12)) {
    a.acknowledged_at = KETAPATH_TRY(read_timestamp(r, 12, "alerts.acknowledged_at"));
  }
  a.acknowledgement_note = r.text(13);
  return a;
}

}  // namespace

core::Result<clinic::Alert> SqlAlerts::get(clinic::AlertId id) {
  KETAPATH_TRY(state_.usable());
  auto row = KETAPATH_TRY(state_.connection->query_one(std::string(kAlertColumns) + "WHERE id = $1",
                                                       {sql::integer(id.value())}, kAlertTypes));
  if (!row) {
    return core::fail(core::ErrorCode::NotFound, "alert {} not found", id.value());
  }
  return read_alert(*row);
}

core::Result<std::vector<clinic::Alert>> SqlAlerts::list_for_patient(clinic::PatientId patient) {
  KETAPATH_TRY(state_.usable());
  auto rows = KETAPATH_TRY(
      state_.connection->query(std::string(kAlertColumns) + "WHERE patient_id = $1 ORDER BY id",
                               {sql::integer(patient.value())}, kAlertTypes));
  std::vector<clinic::Alert> alerts;
  for (const auto& r : rows) {
    alerts.push_back(KETAPATH_TRY(read_alert(r)));
  }
  return alerts;
}

core::Result<std::vector<clinic::Alert>> SqlAlerts::list_open() {
  KETAPATH_TRY(state_.usable());
  auto rows = KETAPATH_TRY(state_.connection->query(
      std::string(kAlertColumns) + "WHERE acknowledged = 0 ORDER BY id", {}, kAlertTypes));
  std::vector<clinic::Alert> alerts;
  for (const auto& r : rows) {
    alerts.push_back(KETAPATH_TRY(read_alert(r)));
  }
  return alerts;
}

core::Status SqlAlerts::acknowledge(clinic::AlertId id, std::string_view by, clinic::Timestamp at,
                                    std::string_view note) {
  KETAPATH_TRY(state_.for_write());
  auto& c = *state_.connection;
  KETAPATH_TRY(require_row(c, "alerts", "alert", id.value()));
  return c.execute(
      "UPDATE alerts SET acknowledged = 1, acknowledged_by = $1, acknowledged_at = $2, "
      "acknowledgement_note = $3 WHERE id = $4",
      {sql::text(by), timestamp(at), sql::text(note), sql::integer(id.value())});
}

core::Result<std::optional<std::string>> SqlSettings::get(std::string_view key) {
  KETAPATH_TRY(state_.usable());
  auto row = KETAPATH_TRY(state_.connection->query_one("SELECT json FROM settings WHERE key = $1",
                                                       {sql::text(key)}, {sql::Type::Text}));
  if (!row) {
    return std::optional<std::string>{};
  }
  return std::optional<std::string>(row->text(0));
}

core::Status SqlSettings::put(std::string_view key, std::string_view json) {
  KETAPATH_TRY(state_.for_write());
  // INSERT ... ON CONFLICT is spelled the same in SQLite (3.24+) and PostgreSQL (9.5+).
  return state_.connection->execute(
      "INSERT INTO settings (key, json) VALUES ($1, $2) "
      "ON CONFLICT (key) DO UPDATE SET json = excluded.json",
      {sql::text(key), sql::text(json)});
}

}  // namespace ketapath::store::repositories
