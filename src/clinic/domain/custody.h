#pragma once
// Controlled-substance custody of ketamine (issue 15, Deliver 1): stock received in lots, the
// ledger of what left or joined each lot (administrations, waste, count adjustments), and the
// controlled-substance log per period. Rules over values only; storage is the CustodyRepository
// port and the use cases are ClinicService's (service_custody.cpp).
//
// Decisions (docs/clinic.md "Controlled-substance custody"):
// - A lot's balance is the sum of its ledger entries, never a number stored on its own. Amounts
//   are whole micrograms (Micrograms, int64): sums are exact, so a month reconciles to the
//   milligram and below; an amount in mg is rounded to the nearest microgram once, when entered.
// - A receipt is counted as delivered: vials x mL per vial at the lot's concentration (mg/mL);
//   the ledger holds the mg that makes.
// - A count records counted and expected (the ledger balance). When they differ, an
//   investigation text is required and the entry adjusts the balance by counted - expected, so
//   the book follows the shelf from then on and the discrepancy stays in the log.
// - No entry may take a balance below zero; an expired lot (the day after expires_on) gives no
//   doses and is not received.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clinic/domain/ids.h"
#include "clinic/domain/time.h"
#include "core/error.h"
#include "core/units.h"

namespace ketapath::clinic {

/// A ledger amount in whole micrograms (may be negative as a change).
struct Micrograms {
  std::int64_t value = 0;
  friend auto operator<=>(const Micrograms&, const Micrograms&) = default;

  friend Micrograms operator+(Micrograms a, Micrograms b) { return {a.value + b.value}; }

  friend Micrograms operator-(Micrograms a, Micrograms b) { return {a.value - b.value}; }

  Micrograms operator-() const { return {-value}; }

  Micrograms& operator+=(Micrograms b) {
    value += b.value;
    return *this;
  }
};

/// mg rounded to the nearest microgram (InvalidArgument when not finite or beyond 10^9 mg).
core::Result<Micrograms> to_micrograms(core::Milligrams mg, std::string_view field);
core::Milligrams to_milligrams(Micrograms amount);
/// "35.5" / "-12.125" / "0": mg with up to three decimals, exact (no floating point).
std::string mg_text(Micrograms amount);

// Bounds of a receipt (docs/limits.md style: the size of one delivery).
inline constexpr int kMaxVialsPerReceipt = 1000;
inline constexpr double kMinVialMl = 0.5;
inline constexpr double kMaxVialMl = 100.0;
inline constexpr double kMinStockConcentration = 0.1;  ///< mg/mL (the drug library's bound)
inline constexpr double kMaxStockConcentration = 100.0;
inline constexpr std::size_t kMaxCustodyText = 200;   ///< product, lot, supplier
inline constexpr std::size_t kMaxCustodyNote = 2000;  ///< waste reason, investigation

/// A lot of ketamine as received: what the label and the delivery note say.
struct StockLot {
  StockLotId id{};      ///< 0 until stored
  std::string product;  ///< "Ketamine hydrochloride injection 50 mg/mL, 10 mL vial"
  core::MilligramsPerMillilitre concentration{};
  std::string lot;  ///< the manufacturer's lot number; (product, lot) is unique
  Date expires_on{};
  std::string supplier;
  Timestamp received_at{};
  std::string received_by;  ///< the acting user (never free text)
};

/// What a ledger entry records. Text forms: "receipt", "administration", "waste", "count".
enum class CustodyKind { Receipt, Administration, Waste, Count };

struct CustodyEntry {
  CustodyEntryId id{};
  StockLotId lot{};
  CustodyKind kind = CustodyKind::Receipt;
  Timestamp at{};
  std::string by;       ///< the acting user
  Micrograms change{};  ///< the change of the lot's balance (+ receipt, - dose/waste, count +-)
  // Receipt: as delivered.
  std::optional<int> vials;
  std::optional<core::Millilitres> ml_per_vial;
  // Administration: the session the dose was given in.
  std::optional<SessionId> session;
  std::optional<PatientId> patient;
  // Waste: the second person (an existing, enabled user other than `by`) and why.
  std::string witness;
  std::string reason;
  // Count: what was on the shelf and what the ledger said; the investigation of a difference.
  std::optional<Micrograms> counted;
  std::optional<Micrograms> expected;
  std::string investigation;
};

/// A receipt as entered: the lot (id, received_* ignored) and the delivery.
struct StockReceipt {
  StockLot lot;
  int vials = 0;
  core::Millilitres ml_per_vial{};
  /// When the delivery arrived, if entered later (not in the future, at most
  /// kMaxReceiptDelayDays ago); default now.
  std::optional<Timestamp> received_at;
};

inline constexpr int kMaxReceiptDelayDays = 90;

/// The clinic's custody setting (key "custody_policy"). With require_lot every administered dose
/// (session record) names the lot it was drawn from and is debited from it.
struct CustodyPolicy {
  bool require_lot = true;
};

/// Validation naming the field: product, lot, supplier (required, one line, <= 200 characters),
/// concentration 0.1-100 mg/mL, vials 1-1000, mL per vial 0.5-100, expiry not before `today`
/// (expired stock is not received).
core::Status validate_receipt(const StockReceipt& receipt, Date today);

/// vials x mL x mg/mL, in micrograms, with the arithmetic as text ("10 vials x 10 mL x 50 mg/mL
/// = 5000 mg").
struct ReceiptAmount {
  Micrograms amount;
  std::string arithmetic;
};

core::Result<ReceiptAmount> receipt_amount(const StockReceipt& receipt);

/// Refuses taking `amount` (> 0) from `lot` for `what` ("session", "waste"): an amount above
/// the balance, and, when `use_day` is given (a dose, not waste: expired stock is wasted), an
/// expired lot (use_day > expires_on). Validation naming lot, balance and amount in mg.
core::Status check_draw(const StockLot& lot, Micrograms balance, Micrograms amount,
                        std::optional<Date> use_day, std::string_view what);

/// A lot with its balance (the sum of its ledger), as `stock list` shows it.
struct StockBalance {
  StockLot lot;
  Micrograms balance{};
  bool expired = false;  ///< on the service clock's day
};

/// What a receipt stored.
struct StockReceived {
  StockLot lot;
  CustodyEntry entry;
  std::string arithmetic;  ///< "10 vials x 10 mL x 50 mg/mL = 5000 mg"
};

/// The controlled-substance log of one lot over a period [from, to] (clinic days).
struct CustodyLogLine {
  CustodyEntry entry;
  Date day{};
  Micrograms balance_after{};
};

struct CustodyLotLog {
  StockLot lot;
  Micrograms opening{};                                         ///< balance at the start of `from`
  Micrograms closing{};                                         ///< balance at the end of `to`
  Micrograms received{}, administered{}, wasted{}, adjusted{};  ///< within the period
  std::vector<CustodyLogLine> lines;
};

struct CustodyLog {
  Date from{};
  Date to{};
  std::vector<CustodyLotLog> lots;  ///< every lot with a balance or an entry in the period
};

/// Builds the log from every lot and every entry (entries in ledger order, each with its clinic
/// day). A lot received after `to` is left out; one with opening 0, no entry in the period and
/// closing 0 too.
CustodyLog custody_log(const std::vector<StockLot>& lots,
                       const std::vector<std::pair<CustodyEntry, Date>>& entries, Date from,
                       Date to);

/// The log as CSV: one row per lot opening, entry and closing (kCustodyCsvHeader); patients by
/// id only, people by user name.
inline constexpr std::string_view kCustodyCsvHeader =
    "lot_id,product,lot,concentration_mg_per_ml,expires_on,date,time,record,change_mg,"
    "balance_mg,by,witness,patient,session,counted_mg,expected_mg,note";
std::string custody_csv(const CustodyLog& log);

std::string_view to_string(CustodyKind kind);
core::Result<CustodyKind> parse_custody_kind(std::string_view text);

}  // namespace ketapath::clinic
