// Double checks and checklist waivers recorded against orders (clinic/domain/order.h).

#include "clinic/domain/order.h"
#include "store/repositories/repositories.h"

namespace ketapath::store::repositories {
namespace {

constexpr std::string_view kSelect =
    "SELECT id, dose_record_id, patient_id, kind, day, weight_kg, dose_mg, item, reason, "
    "recorded_by, recorded_at, session_id FROM order_checks";
const std::vector<sql::Type> kColumns = {
    sql::Type::Integer, sql::Type::Integer, sql::Type::Integer, sql::Type::Text,
    sql::Type::Text,    sql::Type::Real,    sql::Type::Real,    sql::Type::Text,
    sql::Type::Text,    sql::Type::Text,    sql::Type::Text,    sql::Type::Integer};

core::Result<clinic::OrderCheckKind> parse_kind(std::string_view text) {
  if (text == "double_check") {
    return clinic::OrderCheckKind::DoubleCheck;
  }
  if (text == "waiver") {
    return clinic::OrderCheckKind::Waiver;
  }
  return core::fail(core::ErrorCode::InvalidData, "unknown order check kind \"{}\"", text);
}

core::Result<clinic::OrderCheck> load(const sql::Row& row) {
  clinic::OrderCheck c;
  c.id = clinic::OrderCheckId(row.integer(0));
  c.order = clinic::DoseRecordId(row.integer(1));
  c.patient = clinic::PatientId(row.integer(2));
  c.kind = KETAPATH_TRY(read_enum(row, 3, "order_checks.kind", parse_kind));
  c.day = KETAPATH_TRY(read_date(row, 4, "order_checks.day"));
  if (auto v = row.optional_real(5)) {
    c.weight = core::Kilograms(*v);
  }
  if (auto v = row.optional_real(6)) {
    c.dose = core::Milligrams(*v);
  }
  if (!row.is_null(7)) {
    c.item = KETAPATH_TRY(read_enum(row, 7, "order_checks.item", clinic::parse_checklist_item));
  }
  c.reason = row.text(8);
  c.recorded_by = row.text(9);
  c.recorded_at = KETAPATH_TRY(read_timestamp(row, 10, "order_checks.recorded_at"));
  if (auto v = row.optional_integer(11)) {
    c.session = clinic::SessionId(*v);
  }
  return c;
}

}  // namespace

core::Result<clinic::OrderCheckId> SqlOrderChecks::add(const clinic::OrderCheck& check) {
  KETAPATH_TRY(state_.for_write());
  auto& c = *state_.connection;
  KETAPATH_TRY(require_row(c, "dose_records", "dose record", check.order.value()));
  KETAPATH_TRY(require_row(c, "patients", "patient", check.patient.value()));
  auto row = KETAPATH_TRY(c.query_one(
      "INSERT INTO order_checks (dose_record_id, patient_id, kind, day, weight_kg, dose_mg, item, "
      "reason, recorded_by, recorded_at, session_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
      "$10, $11) RETURNING id",
      {sql::integer(check.order.value()), sql::integer(check.patient.value()),
       sql::text(clinic::to_string(check.kind)), date(check.day),
       check.weight ? sql::real(check.weight->value()) : sql::null(),
       check.dose ? sql::real(check.dose->value()) : sql::null(),
       check.item ? sql::text(clinic::to_string(*check.item)) : sql::null(),
       sql::text(check.reason), sql::text(check.recorded_by), timestamp(check.recorded_at),
       check.session ? sql::integer(check.session->value()) : sql::null()},
      {sql::Type::Integer}));
  return clinic::OrderCheckId(row->integer(0));
}

core::Result<clinic::OrderCheck> SqlOrderChecks::get(clinic::OrderCheckId id) {
  KETAPATH_TRY(state_.usable());
  auto row = KETAPATH_TRY(state_.connection->query_one(fmt::format("{} WHERE id = $1", kSelect),
                                                       {sql::integer(id.value())}, kColumns));
  if (!row) {
    return core::fail(core::ErrorCode::NotFound, "order check {} not found", id.value());
  }
  return load(*row);
}

core::Result<std::vector<clinic::OrderCheck>> SqlOrderChecks::list_for_order(
    clinic::DoseRecordId order) {
  KETAPATH_TRY(state_.usable());
  auto rows = KETAPATH_TRY(
      state_.connection->query(fmt::format("{} WHERE dose_record_id = $1 ORDER BY id", kSelect),
                               {sql::integer(order.value())}, kColumns));
  std::vector<clinic::OrderCheck> checks;
  for (const auto& row : rows) {
    checks.push_back(KETAPATH_TRY(load(row)));
  }
  return checks;
}

core::Status SqlOrderChecks::link_session(clinic::OrderCheckId check, clinic::SessionId session) {
  KETAPATH_TRY(state_.for_write());
  auto& c = *state_.connection;
  KETAPATH_TRY(require_row(c, "order_checks", "order check", check.value()));
  KETAPATH_TRY(require_row(c, "sessions", "session", session.value()));
  return c.execute("UPDATE order_checks SET session_id = $1 WHERE id = $2",
                   {sql::integer(session.value()), sql::integer(check.value())});
}

}  // namespace ketapath::store::repositories
