// The front desk's consultation requests (clinic/domain/consultation.h; migration
// consultation_requests).

#include "store/repositories/repositories.h"

namespace ketapath::store::repositories {
namespace {

constexpr std::string_view kColumns =
    "id, reference, name, phone, email, preferred_times, reason, received_at, status, note, "
    "updated_at, updated_by, patient_id";

const std::vector<sql::Type>& column_types() {
  static const std::vector<sql::Type> types = {
      sql::Type::Integer, sql::Type::Text, sql::Type::Text,   sql::Type::Text, sql::Type::Text,
      sql::Type::Text,    sql::Type::Text, sql::Type::Text,   sql::Type::Text, sql::Type::Text,
      sql::Type::Text,    sql::Type::Text, sql::Type::Integer};
  return types;
}

core::Result<clinic::ConsultationRequest> load(const sql::Row& row) {
  clinic::ConsultationRequest r;
  r.id = clinic::ConsultationRequestId(row.integer(0));
  r.reference = row.text(1);
  r.name = row.text(2);
  r.phone = row.text(3);
  r.email = row.text(4);
  r.preferred_times = row.text(5);
  r.reason = row.text(6);
  r.received_at = KETAPATH_TRY(read_timestamp(row, 7, "consultation_requests.received_at"));
  r.status = KETAPATH_TRY(
      read_enum(row, 8, "consultation_requests.status", clinic::parse_consultation_status));
  r.note = row.text(9);
  if (!row.is_null(10)) {
    r.updated_at = KETAPATH_TRY(read_timestamp(row, 10, "consultation_requests.updated_at"));
  }
  r.updated_by = row.text(11);
  if (!row.is_null(12)) {
    r.patient = clinic::PatientId(row.integer(12));
  }
  return r;
}

sql::Value patient_or_null(const clinic::ConsultationRequest& r) {
  return r.patient ? sql::integer(r.patient->value()) : sql::null();
}

sql::Value updated_or_null(const clinic::ConsultationRequest& r) {
  return r.updated_at ? timestamp(*r.updated_at) : sql::null();
}

}  // namespace

core::Result<clinic::ConsultationRequestId> SqlConsultations::add(
    const clinic::ConsultationRequest& r) {
  KETAPATH_TRY(state_.for_write());
  auto& c = *state_.connection;
  if (KETAPATH_TRY(c.query_one("SELECT 1 FROM consultation_requests WHERE reference = $1",
                               {sql::text(r.reference)}, {sql::Type::Integer}))) {
    return core::fail(core::ErrorCode::Conflict, "consultation request {} already exists",
                      r.reference);
  }
  auto row = KETAPATH_TRY(c.query_one(
      "INSERT INTO consultation_requests (reference, name, phone, email, preferred_times, reason, "
      "received_at, status, note, updated_at, updated_by, patient_id) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
      {sql::text(r.reference), sql::text(r.name), sql::text(r.phone), sql::text(r.email),
       sql::text(r.preferred_times), sql::text(r.reason), timestamp(r.received_at),
       sql::text(clinic::to_string(r.status)), sql::text(r.note), updated_or_null(r),
       sql::text(r.updated_by), patient_or_null(r)},
      {sql::Type::Integer}));
  return clinic::ConsultationRequestId(row->integer(0));
}

core::Result<clinic::ConsultationRequest> SqlConsultations::get(clinic::ConsultationRequestId id) {
  KETAPATH_TRY(state_.usable());
  auto row = KETAPATH_TRY(state_.connection->query_one(
      fmt::format("SELECT {} FROM consultation_requests WHERE id = $1", kColumns),
      {sql::integer(id.value())}, column_types()));
  if (!row) {
    return core::fail(core::ErrorCode::NotFound, "consultation request {} not found", id.value());
  }
  return load(*row);
}

core::Result<std::vector<clinic::ConsultationRequest>> SqlConsultations::list(
    std::optional<clinic::ConsultationStatus> status, std::int64_t limit) {
  KETAPATH_TRY(state_.usable());
  sql::Rows rows;
  if (status) {
    rows = KETAPATH_TRY(state_.connection->query(
        fmt::format("SELECT {} FROM consultation_requests WHERE status = $1 ORDER BY id LIMIT $2",
                    kColumns),
        {sql::text(clinic::to_string(*status)), sql::integer(limit)}, column_types()));
  } else {
    rows = KETAPATH_TRY(state_.connection->query(
        fmt::format("SELECT {} FROM consultation_requests ORDER BY id LIMIT $1", kColumns),
        {sql::integer(limit)}, column_types()));
  }
  std::vector<clinic::ConsultationRequest> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    out.push_back(KETAPATH_TRY(load(row)));
  }
  return out;
}

core::Status SqlConsultations::update(const clinic::ConsultationRequest& r) {
  KETAPATH_TRY(state_.for_write());
  auto& c = *state_.connection;
  KETAPATH_TRY(require_row(c, "consultation_requests", "consultation request", r.id.value()));
  return c.execute(
      "UPDATE consultation_requests SET status = $1, note = $2, updated_at = $3, updated_by = $4, "
      "patient_id = $5 WHERE id = $6",
      {sql::text(clinic::to_string(r.status)), sql::text(r.note), updated_or_null(r),
       sql::text(r.updated_by), patient_or_null(r), sql::integer(r.id.value())});
}

}  // namespace ketapath::store::repositories
