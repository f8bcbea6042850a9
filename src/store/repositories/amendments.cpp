// Amendments of signed records (issue 15 item 6; clinic/domain/amendment.h): appended, never
// changed (the table refuses UPDATE and DELETE). The read paths of sessions, assessments and
// screenings call amendments_of().

#include <fmt/format.h>

#include "clinic/domain/amendment.h"
#include "store/repositories/repositories.h"

namespace ketapath::store::repositories {
namespace {

constexpr std::string_view kSelect =
    "SELECT id, patient_id, record_kind, record_id, field, original_value, amended_value, reason, "
    "replacement_id, amended_by, amended_at FROM amendments";
const std::vector<sql::Type> kColumns = {sql::Type::Integer, sql::Type::Integer, sql::Type::Text,
                                         sql::Type::Integer, sql::Type::Text,    sql::Type::Text,
                                         sql::Type::Text,    sql::Type::Text,    sql::Type::Integer,
                                         sql::Type::Text,    sql::Type::Text};

core::Result<clinic::Amendment> load(const sql::Row& row) {
  clinic::Amendment a;
  a.id = clinic::AmendmentId(row.integer(0));
  a.patient = clinic::PatientId(row.integer(1));
  a.kind = KETAPATH_TRY(read_enum(row, 2, "amendments.record_kind", clinic::parse_amended_kind));
  a.record = row.integer(3);
  a.field = row.text(4);
  a.original = row.text(5);
  a.amended = row.text(6);
  a.reason = row.text(7);
  if (auto v = row.optional_integer(8)) {
    a.replacement = clinic::ScreeningId(*v);
  }
  a.amended_by = row.text(9);
  a.amended_at = KETAPATH_TRY(read_timestamp(row, 10, "amendments.amended_at"));
  return a;
}

std::string_view table_of(clinic::AmendedKind kind) {
  switch (kind) {
    case clinic::AmendedKind::Session:
      return "sessions";
    case clinic::AmendedKind::Assessment:
      return "assessments";
    case clinic::AmendedKind::Screening:
      return "screenings";
  }
  return "sessions";
}

core::Result<std::vector<clinic::Amendment>> load_all(sql::Connection& c, std::string_view where,
                                                      std::vector<sql::Value> params) {
  auto rows = KETAPATH_TRY(
      c.query(fmt::format("{} WHERE {} ORDER BY id", kSelect, where), params, kColumns));
  std::vector<clinic::Amendment> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    out.push_back(KETAPATH_TRY(load(row)));
  }
  return out;
}

}  // namespace

core::Result<clinic::AmendmentId> SqlAmendments::add(const clinic::Amendment& a) {
  KETAPATH_TRY(state_.for_write());
  auto& c = *state_.connection;
  KETAPATH_TRY(require_row(c, "patients", "patient", a.patient.value()));
  const std::string_view table = table_of(a.kind);
  auto owner =
      KETAPATH_TRY(c.query_one(fmt::format("SELECT patient_id FROM {} WHERE id = $1", table),
                               {sql::integer(a.record)}, {sql::Type::Integer}));
  if (!owner || owner->integer(0) != a.patient.value()) {
    return core::fail(core::ErrorCode::NotFound, "{} {} of patient {} not found",
                      clinic::to_string(a.kind), a.record, a.patient.value());
  }
  if (a.replacement) {
    KETAPATH_TRY(require_row(c, "screenings", "screening", a.replacement->value()));
  }
  auto row = KETAPATH_TRY(c.query_one(
      "INSERT INTO amendments (patient_id, record_kind, record_id, field, original_value, "
      "amended_value, reason, replacement_id, amended_by, amended_at) VALUES ($1, $2, $3, $4, "
      "$5, $6, $7, $8, $9, $10) RETURNING id",
      {sql::integer(a.patient.value()), sql::text(clinic::to_string(a.kind)),
       sql::integer(a.record), sql::text(a.field), sql::text(a.original), sql::text(a.amended),
       sql::text(a.reason), a.replacement ? sql::integer(a.replacement->value()) : sql::null(),
       sql::text(a.amended_by), timestamp(a.amended_at)},
      {sql::Type::Integer}));
  return clinic::AmendmentId(row->integer(0));
}

core::Result<std::vector<clinic::Amendment>> SqlAmendments::list_for_patient(
    clinic::PatientId patient) {
  KETAPATH_TRY(state_.usable());
  return load_all(*state_.connection, "patient_id = $1", {sql::integer(patient.value())});
}

core::Result<std::vector<clinic::Amendment>> amendments_of(sql::Connection& c,
                                                           clinic::AmendedKind kind,
                                                           std::string_view column,
                                                           std::int64_t id) {
  return load_all(c, fmt::format("record_kind = $1 AND {} = $2", column),
                  {sql::text(clinic::to_string(kind)), sql::integer(id)});
}

}  // namespace ketapath::store::repositories
