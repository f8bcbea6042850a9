#include <nlohmann/json.hpp>

#include "clinic/domain/dose.h"
#include "clinic/json/json.h"
#include "store/repositories/repositories.h"

namespace ketapath::store::repositories {
namespace {

using nlohmann::json;

constexpr std::string_view kSelect =
    "SELECT id, patient_id, session_id, route, drug, weight_kg, weight_measured_on, "
    "dose_mg_per_kg, dose_mg, concentration_mg_per_ml, volume_ml, duration_min, rate_ml_per_h, "
    "dose_rate_mg_per_kg_per_h, limit_level, override_reason, arithmetic_json, warnings_json, "
    "calculated_at, calculated_by, order_json FROM dose_records";
const std::vector<sql::Type> kColumns = {
    sql::Type::Integer, sql::Type::Integer, sql::Type::Integer, sql::Type::Text, sql::Type::Text,
    sql::Type::Real,    sql::Type::Text,    sql::Type::Real,    sql::Type::Real, sql::Type::Real,
    sql::Type::Real,    sql::Type::Real,    sql::Type::Real,    sql::Type::Real, sql::Type::Text,
    sql::Type::Text,    sql::Type::Text,    sql::Type::Text,    sql::Type::Text, sql::Type::Text,
    sql::Type::Text};

constexpr std::string_view kOrderColumn = "dose_records.order_json";

core::Result<std::string> order_text(const clinic::OrderTerms& order) {
  try {
    return clinic::to_json(order).dump();
  } catch (const json::exception& e) {  // invalid UTF-8: refused, never altered
    return core::fail(core::ErrorCode::Validation, "order: cannot store the terms ({})", e.what());
  }
}

core::Result<std::vector<std::string>> read_lines(const std::string& text, std::string_view where) {
  try {
    return json::parse(text).get<std::vector<std::string>>();
  } catch (const json::exception& e) {
    return core::fail(core::ErrorCode::Storage, "store: {}: stored value cannot be read back ({})",
                      where, e.what());
  }
}

core::Result<clinic::DoseRecord> load(const sql::Row& row) {
  clinic::DoseRecord r;
  r.id = clinic::DoseRecordId(row.integer(0));
  r.patient = clinic::PatientId(row.integer(1));
  if (auto session = row.optional_integer(2)) {
    r.session = clinic::SessionId(*session);
  }
  r.route = KETAPATH_TRY(read_enum(row, 3, "dose_records.route", clinic::parse_clinic_route));
  r.drug = row.text(4);
  auto& calc = r.calculation;
  calc.weight = core::Kilograms(row.real(5));
  calc.weight_measured_on = KETAPATH_TRY(read_date(row, 6, "dose_records.weight_measured_on"));
  calc.dose_per_kg = core::MilligramsPerKilogram(row.real(7));
  calc.dose = core::Milligrams(row.real(8));
  calc.concentration = core::MilligramsPerMillilitre(row.real(9));
  calc.volume = core::Millilitres(row.real(10));
  if (auto v = row.optional_real(11)) {
    calc.duration = core::Minutes(*v);
  }
  if (auto v = row.optional_real(12)) {
    calc.rate = core::MillilitresPerHour(*v);
  }
  calc.dose_rate_mg_per_kg_per_h = row.optional_real(13);
  calc.limit =
      KETAPATH_TRY(read_enum(row, 14, "dose_records.limit_level", clinic::parse_limit_level));
  calc.override_reason = row.text(15);
  calc.arithmetic = KETAPATH_TRY(read_lines(row.text(16), "dose_records.arithmetic_json"));
  calc.warnings = KETAPATH_TRY(read_lines(row.text(17), "dose_records.warnings_json"));
  r.calculated_at = KETAPATH_TRY(read_timestamp(row, 18, "dose_records.calculated_at"));
  r.calculated_by = row.text(19);
  if (!row.is_null(20)) {
    auto j = clinic::parse_json(row.text(20), kOrderColumn);
    if (!j) {
      return std::unexpected(corrupt(kOrderColumn, j.error()));
    }
    auto order = clinic::order_terms_from_json(*j, kOrderColumn);
    if (!order) {
      return std::unexpected(corrupt(kOrderColumn, order.error()));
    }
    r.order = std::move(*order);
  }
  return r;
}

}  // namespace

core::Result<clinic::DoseRecordId> SqlDoses::add(const clinic::DoseRecord& record) {
  KETAPATH_TRY(state_.for_write());
  auto& c = *state_.connection;
  KETAPATH_TRY(require_row(c, "patients", "patient", record.patient.value()));
  if (record.session) {
    KETAPATH_TRY(require_row(c, "sessions", "session", record.session->value()));
  }
  const auto& calc = record.calculation;
  std::string arithmetic;
  std::string warnings;
  try {
    arithmetic = json(calc.arithmetic).dump();
    warnings = json(calc.warnings).dump();
  } catch (const json::exception& e) {  // invalid UTF-8: refused, never altered
    return core::fail(core::ErrorCode::Validation, "dose: cannot store the record ({})", e.what());
  }
  auto row = KETAPATH_TRY(c.query_one(
      "INSERT INTO dose_records (patient_id, session_id, route, drug, weight_kg, "
      "weight_measured_on, dose_mg_per_kg, dose_mg, concentration_mg_per_ml, volume_ml, "
      "duration_min, rate_ml_per_h, dose_rate_mg_per_kg_per_h, limit_level, override_reason, "
      "arithmetic_json, warnings_json, calculated_at, calculated_by, order_json) VALUES ($1, $2, "
      "$3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) "
      "RETURNING id",
      {sql::integer(record.patient.value()),
       record.session ? sql::integer(record.session->value()) : sql::null(),
       sql::text(pd::route_name(record.route)),
       sql::text(record.drug),
       sql::real(calc.weight.value()),
       date(calc.weight_measured_on),
       sql::real(calc.dose_per_kg.value()),
       sql::real(calc.dose.value()),
       sql::real(calc.concentration.value()),
       sql::real(calc.volume.value()),
       calc.duration ? sql::real(calc.duration->value()) : sql::null(),
       calc.rate ? sql::real(calc.rate->value()) : sql::null(),
       sql::optional_value(calc.dose_rate_mg_per_kg_per_h),
       sql::text(clinic::to_string(calc.limit)),
       sql::text(calc.override_reason),
       sql::text(arithmetic),
       sql::text(warnings),
       timestamp(record.calculated_at),
       sql::text(record.calculated_by),
       record.order ? sql::text(KETAPATH_TRY(order_text(*record.order))) : sql::null()},
      {sql::Type::Integer}));
  return clinic::DoseRecordId(row->integer(0));
}

core::Result<clinic::DoseRecord> SqlDoses::get(clinic::DoseRecordId id) {
  KETAPATH_TRY(state_.usable());
  auto row = KETAPATH_TRY(state_.connection->query_one(fmt::format("{} WHERE id = $1", kSelect),
                                                       {sql::integer(id.value())}, kColumns));
  if (!row) {
    return core::fail(core::ErrorCode::NotFound, "dose record {} not found", id.value());
  }
  return load(*row);
}

core::Result<std::vector<clinic::DoseRecord>> SqlDoses::list_for_patient(
    clinic::PatientId patient) {
  KETAPATH_TRY(state_.usable());
  auto rows = KETAPATH_TRY(
      state_.connection->query(fmt::format("{} WHERE patient_id = $1 ORDER BY id", kSelect),
                               {sql::integer(patient.value())}, kColumns));
  std::vector<clinic::DoseRecord> records;
  for (const auto& row : rows) {
    records.push_back(KETAPATH_TRY(load(row)));
  }
  return records;
}

core::Status SqlDoses::link_session(clinic::DoseRecordId dose, clinic::SessionId session) {
  KETAPATH_TRY(state_.for_write());
  auto& c = *state_.connection;
  KETAPATH_TRY(require_row(c, "dose_records", "dose record", dose.value()));
  KETAPATH_TRY(require_row(c, "sessions", "session", session.value()));
  return c.execute("UPDATE dose_records SET session_id = $1 WHERE id = $2",
                   {sql::integer(session.value()), sql::integer(dose.value())});
}

core::Status SqlDoses::set_order(clinic::DoseRecordId dose, const clinic::OrderTerms& order) {
  KETAPATH_TRY(state_.for_write());
  auto& c = *state_.connection;
  KETAPATH_TRY(require_row(c, "dose_records", "dose record", dose.value()));
  return c.execute("UPDATE dose_records SET order_json = $1 WHERE id = $2",
                   {sql::text(KETAPATH_TRY(order_text(order))), sql::integer(dose.value())});
}

}  // namespace ketapath::store::repositories
