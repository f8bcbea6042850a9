// Controlled-substance custody (clinic/domain/custody.h; migration custody): stock lots and the
// append-only ledger. A lot's balance is the SUM of its entries' change_ug, never stored.

#include "store/repositories/repositories.h"

namespace ketapath::store::repositories {
namespace {

constexpr std::string_view kLotColumns =
    "id, product, concentration_mg_per_ml, lot, expires_on, supplier, received_at, received_by";

const std::vector<sql::Type>& lot_types() {
  static const std::vector<sql::Type> types = {sql::Type::Integer, sql::Type::Text, sql::Type::Real,
                                               sql::Type::Text,    sql::Type::Text, sql::Type::Text,
                                               sql::Type::Text,    sql::Type::Text};
  return types;
}

constexpr std::string_view kEntryColumns =
    "id, stock_lot_id, kind, at, by_user, change_ug, vials, ml_per_vial, session_id, patient_id, "
    "witness, reason, counted_ug, expected_ug, investigation";

const std::vector<sql::Type>& entry_types() {
  static const std::vector<sql::Type> types = {
      sql::Type::Integer, sql::Type::Integer, sql::Type::Text,    sql::Type::Text,
      sql::Type::Text,    sql::Type::Integer, sql::Type::Integer, sql::Type::Real,
      sql::Type::Integer, sql::Type::Integer, sql::Type::Text,    sql::Type::Text,
      sql::Type::Integer, sql::Type::Integer, sql::Type::Text};
  return types;
}

core::Result<clinic::StockLot> load_lot(const sql::Row& row) {
  clinic::StockLot l;
  l.id = clinic::StockLotId(row.integer(0));
  l.product = row.text(1);
  l.concentration = core::MilligramsPerMillilitre(row.real(2));
  l.lot = row.text(3);
  l.expires_on = KETAPATH_TRY(read_date(row, 4, "stock_lots.expires_on"));
  l.supplier = row.text(5);
  l.received_at = KETAPATH_TRY(read_timestamp(row, 6, "stock_lots.received_at"));
  l.received_by = row.text(7);
  return l;
}

core::Result<clinic::CustodyEntry> load_entry(const sql::Row& row) {
  clinic::CustodyEntry e;
  e.id = clinic::CustodyEntryId(row.integer(0));
  e.lot = clinic::StockLotId(row.integer(1));
  e.kind = KETAPATH_TRY(read_enum(row, 2, "custody_entries.kind", clinic::parse_custody_kind));
  e.at = KETAPATH_TRY(read_timestamp(row, 3, "custody_entries.at"));
  e.by = row.text(4);
  e.change = clinic::Micrograms{row.integer(5)};
  if (auto v = row.optional_integer(6)) {
    e.vials = static_cast<int>(*v);
  }
  if (auto v = row.optional_real(7)) {
    e.ml_per_vial = core::Millilitres(*v);
  }
  if (auto v = row.optional_integer(8)) {
    e.session = clinic::SessionId(*v);
  }
  if (auto v = row.optional_integer(9)) {
    e.patient = clinic::PatientId(*v);
  }
  e.witness = row.text(10);
  e.reason = row.text(11);
  if (auto v = row.optional_integer(12)) {
    e.counted = clinic::Micrograms{*v};
  }
  if (auto v = row.optional_integer(13)) {
    e.expected = clinic::Micrograms{*v};
  }
  e.investigation = row.text(14);
  return e;
}

sql::Value optional_ug(const std::optional<clinic::Micrograms>& v) {
  return v ? sql::integer(v->value) : sql::null();
}

}  // namespace

core::Result<clinic::StockLotId> SqlCustody::add_lot(const clinic::StockLot& l) {
  KETAPATH_TRY(state_.for_write());
  auto& c = *state_.connection;
  if (auto existing = KETAPATH_TRY(
          c.query_one("SELECT id FROM stock_lots WHERE product = $1 AND lot = $2",
                      {sql::text(l.product), sql::text(l.lot)}, {sql::Type::Integer}))) {
    return core::fail(core::ErrorCode::Conflict, "stock lot {} of {} already exists (stock lot {})",
                      l.lot, l.product, existing->integer(0));
  }
  auto row = KETAPATH_TRY(c.query_one(
      "INSERT INTO stock_lots (product, concentration_mg_per_ml, lot, expires_on, supplier, "
      "received_at, received_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
      {sql::text(l.product), sql::real(l.concentration.value()), sql::text(l.lot),
       date(l.expires_on), sql::text(l.supplier), timestamp(l.received_at),
       sql::text(l.received_by)},
      {sql::Type::Integer}));
  return clinic::StockLotId(row->integer(0));
}

core::Result<clinic::StockLot> SqlCustody::get(clinic::StockLotId id, bool lock) {
  KETAPATH_TRY(state_.usable());
  if (lock && state_.read_only) {
    return core::fail(core::ErrorCode::Internal,
                      "transaction: locking a stock lot in a read-only transaction is refused");
  }
  auto& c = *state_.connection;
  auto row =
      KETAPATH_TRY(c.query_one(fmt::format("SELECT {} FROM stock_lots WHERE id = $1{}", kLotColumns,
                                           lock ? c.lock_rows_suffix() : std::string_view()),
                               {sql::integer(id.value())}, lot_types()));
  if (!row) {
    return core::fail(core::ErrorCode::NotFound, "stock lot {} not found", id.value());
  }
  return load_lot(*row);
}

core::Result<clinic::StockLot> SqlCustody::lot(clinic::StockLotId id) {
  return get(id, false);
}

core::Result<clinic::StockLot> SqlCustody::lock_lot(clinic::StockLotId id) {
  return get(id, true);
}

core::Result<std::vector<clinic::StockLot>> SqlCustody::lots() {
  KETAPATH_TRY(state_.usable());
  auto rows = KETAPATH_TRY(state_.connection->query(
      fmt::format("SELECT {} FROM stock_lots ORDER BY id", kLotColumns), {}, lot_types()));
  std::vector<clinic::StockLot> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    out.push_back(KETAPATH_TRY(load_lot(row)));
  }
  return out;
}

core::Result<clinic::CustodyEntryId> SqlCustody::add_entry(const clinic::CustodyEntry& e) {
  KETAPATH_TRY(state_.for_write());
  auto& c = *state_.connection;
  KETAPATH_TRY(require_row(c, "stock_lots", "stock lot", e.lot.value()));
  if (e.session) {
    KETAPATH_TRY(require_row(c, "sessions", "session", e.session->value()));
  }
  if (e.patient) {
    KETAPATH_TRY(require_row(c, "patients", "patient", e.patient->value()));
  }
  auto row = KETAPATH_TRY(c.query_one(
      "INSERT INTO custody_entries (stock_lot_id, kind, at, by_user, change_ug, vials, "
      "ml_per_vial, session_id, patient_id, witness, reason, counted_ug, expected_ug, "
      "investigation) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) "
      "RETURNING id",
      {sql::integer(e.lot.value()), sql::text(clinic::to_string(e.kind)), timestamp(e.at),
       sql::text(e.by), sql::integer(e.change.value),
       e.vials ? sql::integer(*e.vials) : sql::null(),
       e.ml_per_vial ? sql::real(e.ml_per_vial->value()) : sql::null(),
       e.session ? sql::integer(e.session->value()) : sql::null(),
       e.patient ? sql::integer(e.patient->value()) : sql::null(), sql::text(e.witness),
       sql::text(e.reason), optional_ug(e.counted), optional_ug(e.expected),
       sql::text(e.investigation)},
      {sql::Type::Integer}));
  return clinic::CustodyEntryId(row->integer(0));
}

core::Result<clinic::Micrograms> SqlCustody::balance(clinic::StockLotId lot) {
  KETAPATH_TRY(state_.usable());
  auto row = KETAPATH_TRY(state_.connection->query_one(
      "SELECT CAST(COALESCE(SUM(change_ug), 0) AS BIGINT) FROM custody_entries "
      "WHERE stock_lot_id = $1",
      {sql::integer(lot.value())}, {sql::Type::Integer}));
  return clinic::Micrograms{row ? row->integer(0) : 0};
}

core::Result<std::vector<clinic::CustodyEntry>> SqlCustody::entries() {
  KETAPATH_TRY(state_.usable());
  auto rows = KETAPATH_TRY(state_.connection->query(
      fmt::format("SELECT {} FROM custody_entries ORDER BY id", kEntryColumns), {}, entry_types()));
  std::vector<clinic::CustodyEntry> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    out.push_back(KETAPATH_TRY(load_entry(row)));
  }
  return out;
}

}  // namespace ketapath::store::repositories
