// ClinicService: controlled-substance custody of ketamine (clinic/domain/custody.h; docs/clinic.md
// "Controlled-substance custody"): receipt, waste with a witness, counts, the stock list, the log
// per period, the custody_policy setting, and each session's draw from its lot (session_draw,
// called by session_of in the session's own transaction).

#include <algorithm>

#include "clinic/domain/calendar.h"
#include "clinic/json/json.h"
#include "clinic/service/service.h"
#include "core/check.h"
#include "core/number_text.h"
#include "core/text.h"

namespace ketapath::clinic {
namespace {

using core::ErrorCode;

constexpr std::string_view kCustodyPolicy = "custody_policy";

std::string lot_entity(StockLotId id) {
  return fmt::format("stock_lot/{}", id.value());
}

/// The setting, or require_lot = false when a database never had it (one created before custody
/// whose `clinic init` has not run since; init then seeds it, see ClinicService::initialize).
core::Result<CustodyPolicy> custody_policy_of(Transaction& tx) {
  auto text = KETAPATH_TRY(tx.settings().get(kCustodyPolicy));
  if (!text) {
    return CustodyPolicy{.require_lot = false};
  }
  const Json j = KETAPATH_TRY(parse_json(*text, "setting custody_policy"));
  return custody_policy_from_json(j, "setting custody_policy");
}

/// The clinic's calendar (its time zone decides the clinic day of an entry).
core::Result<ClinicCalendar> calendar_of(Transaction& tx) {
  auto text = KETAPATH_TRY(tx.settings().get("clinic_calendar"));
  if (!text) {
    return core::fail(ErrorCode::Storage,
                      "clinic setting clinic_calendar is missing (run `ketapath clinic init`)");
  }
  const Json j = KETAPATH_TRY(parse_json(*text, "setting clinic_calendar"));
  return clinic_calendar_from_json(j, "setting clinic_calendar");
}

}  // namespace

core::Result<StockReceived> ClinicService::receive_stock(StockReceipt receipt) {
  const Timestamp now = clock_();
  StockLot& lot = receipt.lot;
  auto tx = KETAPATH_TRY(store_.begin());
  KETAPATH_TRY(authorize(*tx, Permission::HandleStock));
  const ClinicCalendar calendar = KETAPATH_TRY(calendar_of(*tx));
  const Timestamp received = receipt.received_at.value_or(now);
  if (received > now || received < now - std::chrono::days(kMaxReceiptDelayDays)) {
    return core::fail(ErrorCode::Validation,
                      "stock receipt: received_at {} must be within the last {} days and not in "
                      "the future (now {})",
                      format_timestamp(received), kMaxReceiptDelayDays, format_timestamp(now));
  }
  KETAPATH_TRY(validate_receipt(receipt, local_day(received, calendar)));
  const ReceiptAmount amount = KETAPATH_TRY(receipt_amount(receipt));
  lot.received_at = received;
  lot.received_by = actor_;
  lot.id = KETAPATH_TRY(tx->custody().add_lot(lot));
  CustodyEntry e;
  e.lot = lot.id;
  e.kind = CustodyKind::Receipt;
  e.at = received;
  e.by = actor_;
  e.change = amount.amount;
  e.vials = receipt.vials;
  e.ml_per_vial = receipt.ml_per_vial;
  e.id = KETAPATH_TRY(tx->custody().add_entry(e));
  const Json after = {{"stock_lot", to_json(lot)},
                      {"entry", to_json(e)},
                      {"arithmetic", amount.arithmetic},
                      {"balance_mg", to_milligrams(amount.amount).value()}};
  KETAPATH_TRY(tx->append_audit(
      audit_record("stock.receive", lot_entity(lot.id), "null", canonical(after))));
  KETAPATH_TRY(tx->commit());
  return StockReceived{lot, e, amount.arithmetic};
}

core::Result<CustodyEntry> ClinicService::waste_stock(StockLotId id, core::Milligrams amount,
                                                      std::string reason, std::string witness) {
  KETAPATH_TRY(core::check_required_text("stock waste: reason", reason, kMaxCustodyNote));
  KETAPATH_TRY(core::check_range("stock waste: amount", amount.value(), "mg", core::positive()));
  const Micrograms ug = KETAPATH_TRY(to_micrograms(amount, "stock waste: amount"));
  const Timestamp now = clock_();
  auto tx = KETAPATH_TRY(store_.begin());
  KETAPATH_TRY(authorize(*tx, Permission::HandleStock));
  if (witness == actor_) {
    return core::fail(ErrorCode::Validation,
                      "stock waste: the witness must be a second person, not the user recording "
                      "the waste ({})",
                      actor_);
  }
  auto w = tx->users().get(witness);
  if (!w) {
    if (w.error().code == ErrorCode::NotFound) {
      return core::fail(ErrorCode::Validation,
                        "stock waste: witness \"{}\" is not a clinic user (name the witness by "
                        "user name)",
                        witness);
    }
    return std::unexpected(w.error());
  }
  if (!w->enabled) {
    return core::fail(ErrorCode::Validation, "stock waste: witness {} is disabled", witness);
  }
  if (auto may = check_permission(*w, Permission::HandleStock); !may) {
    return std::unexpected(core::Error{
        ErrorCode::Validation, fmt::format("stock waste: witness {}", may.error().message)});
  }
  const StockLot lot = KETAPATH_TRY(tx->custody().lock_lot(id));
  const Micrograms balance = KETAPATH_TRY(tx->custody().balance(id));
  KETAPATH_TRY(check_draw(lot, balance, ug, std::nullopt, "stock waste"));
  CustodyEntry e;
  e.lot = id;
  e.kind = CustodyKind::Waste;
  e.at = now;
  e.by = actor_;
  e.change = -ug;
  e.witness = std::move(witness);
  e.reason = std::move(reason);
  e.id = KETAPATH_TRY(tx->custody().add_entry(e));
  const Json before = {{"balance_mg", to_milligrams(balance).value()}};
  const Json after = {{"entry", to_json(e)}, {"balance_mg", to_milligrams(balance - ug).value()}};
  KETAPATH_TRY(tx->append_audit(
      audit_record("stock.waste", lot_entity(id), canonical(before), canonical(after))));
  KETAPATH_TRY(tx->commit());
  return e;
}

core::Result<CustodyEntry> ClinicService::count_stock(StockLotId id, core::Milligrams counted,
                                                      std::string investigation) {
  KETAPATH_TRY(
      core::check_range("stock count: counted", counted.value(), "mg", core::non_negative()));
  const Micrograms counted_ug = KETAPATH_TRY(to_micrograms(counted, "stock count: counted"));
  const Timestamp now = clock_();
  auto tx = KETAPATH_TRY(store_.begin());
  KETAPATH_TRY(authorize(*tx, Permission::HandleStock));
  const StockLot lot = KETAPATH_TRY(tx->custody().lock_lot(id));
  const Micrograms expected = KETAPATH_TRY(tx->custody().balance(id));
  if (counted_ug != expected) {
    if (auto ok =
            core::check_required_text("stock count: investigation", investigation, kMaxCustodyNote);
        !ok) {
      return core::fail(ErrorCode::Validation,
                        "stock count: lot {} counted {} mg but the ledger expects {} mg (a "
                        "difference of {} mg): the discrepancy needs its investigation ({})",
                        lot.lot, mg_text(counted_ug), mg_text(expected),
                        mg_text(counted_ug - expected), ok.error().message);
    }
  } else if (!investigation.empty()) {
    KETAPATH_TRY(
        core::check_required_text("stock count: investigation", investigation, kMaxCustodyNote));
  }
  CustodyEntry e;
  e.lot = id;
  e.kind = CustodyKind::Count;
  e.at = now;
  e.by = actor_;
  e.change = counted_ug - expected;
  e.counted = counted_ug;
  e.expected = expected;
  e.investigation = std::move(investigation);
  e.id = KETAPATH_TRY(tx->custody().add_entry(e));
  const Json before = {{"balance_mg", to_milligrams(expected).value()}};
  const Json after = {{"entry", to_json(e)}, {"balance_mg", to_milligrams(counted_ug).value()}};
  KETAPATH_TRY(tx->append_audit(
      audit_record(counted_ug == expected ? "stock.count" : "stock.count.discrepancy",
                   lot_entity(id), canonical(before), canonical(after))));
  KETAPATH_TRY(tx->commit());
  return e;
}

core::Result<std::vector<StockBalance>> ClinicService::stock() {
  const Timestamp now = clock_();
  auto tx = KETAPATH_TRY(store_.begin_read());
  KETAPATH_TRY(authorize(*tx, Permission::ReadClinical));
  const ClinicCalendar calendar = KETAPATH_TRY(calendar_of(*tx));
  const Date today = local_day(now, calendar);
  std::vector<StockBalance> out;
  for (StockLot& lot : KETAPATH_TRY(tx->custody().lots())) {
    const Micrograms balance = KETAPATH_TRY(tx->custody().balance(lot.id));
    const bool expired = today > lot.expires_on;
    out.push_back({std::move(lot), balance, expired});
  }
  return out;
}

core::Result<CustodyLog> ClinicService::custody_log(Date from, Date to) {
  if (to < from) {
    return core::fail(ErrorCode::InvalidArgument, "stock report: --to {} is before --from {}",
                      format_date(to), format_date(from));
  }
  auto tx = KETAPATH_TRY(store_.begin_read());
  KETAPATH_TRY(authorize(*tx, Permission::ReadCustodyLog));
  const ClinicCalendar calendar = KETAPATH_TRY(calendar_of(*tx));
  const std::vector<StockLot> lots = KETAPATH_TRY(tx->custody().lots());
  std::vector<std::pair<CustodyEntry, Date>> entries;
  for (CustodyEntry& e : KETAPATH_TRY(tx->custody().entries())) {
    const Date day = local_day(e.at, calendar);
    entries.emplace_back(std::move(e), day);
  }
  // The log in time order within each lot (a session may be recorded after a later count).
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto& a, const auto& b) { return a.first.at < b.first.at; });
  return clinic::custody_log(lots, entries, from, to);
}

core::Result<CustodyPolicy> ClinicService::custody_policy() {
  auto tx = KETAPATH_TRY(store_.begin_read());
  KETAPATH_TRY(authorize(*tx, Permission::ReadClinical));
  return custody_policy_of(*tx);
}

core::Status ClinicService::set_custody_policy(const CustodyPolicy& policy) {
  return put_setting(kCustodyPolicy, canonical(to_json(policy)), "setting.custody_policy");
}

core::Result<std::optional<CustodyEntry>> ClinicService::session_draw(Transaction& tx,
                                                                      const Session& s, Date day,
                                                                      bool store) {
  if (!s.stock_lot) {
    if (KETAPATH_TRY(custody_policy_of(tx)).require_lot) {
      return core::fail(ErrorCode::Validation,
                        "session: this clinic keeps custody of its ketamine (setting "
                        "custody_policy.require_lot): name the stock lot the dose was drawn from "
                        "(stock_lot; `ketapath clinic stock list` shows the lots)");
    }
    return std::optional<CustodyEntry>();
  }
  auto lot = store ? tx.custody().lock_lot(*s.stock_lot) : tx.custody().lot(*s.stock_lot);
  if (!lot) {
    if (lot.error().code == ErrorCode::NotFound) {  // a wrong lot is a refused dose, not a 404
      return core::fail(ErrorCode::Validation, "session: stock_lot {} is not a lot of this clinic",
                        s.stock_lot->value());
    }
    return std::unexpected(lot.error());
  }
  if (s.started_at < lot->received_at) {
    return core::fail(
        ErrorCode::Validation,
        "session: lot {} (stock lot {}) was received at {}, after the dose started at "
        "{}; a dose cannot come from stock not yet received (a delivery entered late "
        "takes --received-at)",
        lot->lot, lot->id.value(), format_timestamp(lot->received_at),
        format_timestamp(s.started_at));
  }
  const Micrograms amount = KETAPATH_TRY(to_micrograms(s.dose, "session: dose_mg"));
  const Micrograms balance = KETAPATH_TRY(tx.custody().balance(*s.stock_lot));
  KETAPATH_TRY(check_draw(*lot, balance, amount, day, "session"));
  CustodyEntry e;
  e.lot = *s.stock_lot;
  e.kind = CustodyKind::Administration;
  e.at = s.started_at;
  e.by = actor_;
  e.change = -amount;
  e.patient = s.patient;
  return std::optional<CustodyEntry>(std::move(e));
}

}  // namespace ketapath::clinic
