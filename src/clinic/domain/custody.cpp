#include "clinic/domain/custody.h"

#include <cmath>
#include <map>

#include <fmt/format.h>

#include "core/check.h"
#include "core/name_table.h"
#include "core/number_text.h"
#include "core/text.h"

namespace ketapath::clinic {
namespace {

using core::ErrorCode;

constexpr core::NameTable<CustodyKind, 4> kKinds{{{CustodyKind::Receipt, "receipt"},
                                                  {CustodyKind::Administration, "administration"},
                                                  {CustodyKind::Waste, "waste"},
                                                  {CustodyKind::Count, "count"}}};

constexpr double kMaxLedgerMg = 1e9;

/// RFC 4180: quoted when it holds a comma, quote or line break; a leading = + - @ gets a ' so a
/// spreadsheet does not run it as a formula (free text only: numbers never start with them
/// except "-", which is written unquoted for numeric columns).
std::string csv_text(std::string_view text) {
  std::string out(text);
  if (!out.empty() && (out[0] == '=' || out[0] == '+' || out[0] == '-' || out[0] == '@')) {
    out.insert(out.begin(), '\'');
  }
  if (out.find_first_of(",\"\r\n") == std::string::npos) {
    return out;
  }
  std::string quoted = "\"";
  for (const char c : out) {
    quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  }
  return quoted + "\"";
}

std::string optional_mg(const std::optional<Micrograms>& amount) {
  return amount ? mg_text(*amount) : std::string();
}

}  // namespace

core::Result<Micrograms> to_micrograms(core::Milligrams mg, std::string_view field) {
  KETAPATH_TRY(core::check_range(field, mg.value(), "mg",
                                 core::Range{.low = -kMaxLedgerMg, .high = kMaxLedgerMg}));
  return Micrograms{static_cast<std::int64_t>(std::llround(mg.value() * 1000.0))};
}

core::Milligrams to_milligrams(Micrograms amount) {
  return core::Milligrams(static_cast<double>(amount.value) / 1000.0);
}

std::string mg_text(Micrograms amount) {
  const bool negative = amount.value < 0;
  const std::int64_t magnitude = negative ? -amount.value : amount.value;
  std::string text = fmt::format("{}{}", negative ? "-" : "", magnitude / 1000);
  std::int64_t fraction = magnitude % 1000;
  if (fraction != 0) {
    std::string digits = fmt::format("{:03}", fraction);
    while (digits.back() == '0') {
      digits.pop_back();
    }
    text += "." + digits;
  }
  return text;
}

core::Status validate_receipt(const StockReceipt& r, Date today) {
  const StockLot& lot = r.lot;
  KETAPATH_TRY(
      core::check_required_text("stock receipt: product", lot.product, kMaxCustodyText, false));
  KETAPATH_TRY(core::check_required_text("stock receipt: lot", lot.lot, kMaxCustodyText, false));
  KETAPATH_TRY(
      core::check_required_text("stock receipt: supplier", lot.supplier, kMaxCustodyText, false));
  KETAPATH_TRY(core::check_range("stock receipt: concentration", lot.concentration.value(), "mg/mL",
                                 {kMinStockConcentration, kMaxStockConcentration}));
  KETAPATH_TRY(core::check_range("stock receipt: vials", static_cast<double>(r.vials), "vials",
                                 {1.0, static_cast<double>(kMaxVialsPerReceipt)}));
  KETAPATH_TRY(core::check_range("stock receipt: mL per vial", r.ml_per_vial.value(), "mL",
                                 {kMinVialMl, kMaxVialMl}));
  if (lot.expires_on < today) {
    return core::fail(ErrorCode::Validation,
                      "stock receipt: lot {} expired on {} (today is {}); expired stock is not "
                      "received into the clinic's stock",
                      lot.lot, format_date(lot.expires_on), format_date(today));
  }
  return {};
}

core::Result<ReceiptAmount> receipt_amount(const StockReceipt& r) {
  const double mg =
      static_cast<double>(r.vials) * r.ml_per_vial.value() * r.lot.concentration.value();
  ReceiptAmount out;
  out.amount = KETAPATH_TRY(to_micrograms(core::Milligrams(mg), "stock receipt: quantity"));
  out.arithmetic =
      fmt::format("{} vial{} x {} mL x {} mg/mL = {} mg", r.vials, r.vials == 1 ? "" : "s",
                  core::display_number(r.ml_per_vial.value()),
                  core::display_number(r.lot.concentration.value()), mg_text(out.amount));
  return out;
}

core::Status check_draw(const StockLot& lot, Micrograms balance, Micrograms amount,
                        std::optional<Date> use_day, std::string_view what) {
  if (amount.value <= 0) {
    return core::fail(ErrorCode::Validation,
                      "{}: the amount taken from lot {} must be > 0 mg "
                      "(got {} mg)",
                      what, lot.lot, mg_text(amount));
  }
  if (use_day && *use_day > lot.expires_on) {
    return core::fail(ErrorCode::Validation,
                      "{}: lot {} (stock lot {}) expired on {}; it may not be used on {}", what,
                      lot.lot, lot.id.value(), format_date(lot.expires_on), format_date(*use_day));
  }
  if (amount > balance) {
    return core::fail(ErrorCode::Validation,
                      "{}: lot {} (stock lot {}) holds {} mg; taking {} mg would leave {} mg "
                      "(a balance never goes below 0)",
                      what, lot.lot, lot.id.value(), mg_text(balance), mg_text(amount),
                      mg_text(balance - amount));
  }
  return {};
}

CustodyLog custody_log(const std::vector<StockLot>& lots,
                       const std::vector<std::pair<CustodyEntry, Date>>& entries, Date from,
                       Date to) {
  CustodyLog log;
  log.from = from;
  log.to = to;
  std::map<std::int64_t, CustodyLotLog> by_lot;
  for (const StockLot& lot : lots) {
    by_lot[lot.id.value()].lot = lot;
  }
  for (const auto& [entry, day] : entries) {
    auto it = by_lot.find(entry.lot.value());
    if (it == by_lot.end() || day > to) {
      continue;
    }
    CustodyLotLog& l = it->second;
    if (day < from) {
      l.opening += entry.change;
      l.closing += entry.change;
      continue;
    }
    l.closing += entry.change;
    switch (entry.kind) {
      case CustodyKind::Receipt:
        l.received += entry.change;
        break;
      case CustodyKind::Administration:
        l.administered += -entry.change;
        break;
      case CustodyKind::Waste:
        l.wasted += -entry.change;
        break;
      case CustodyKind::Count:
        l.adjusted += entry.change;
        break;
    }
    l.lines.push_back({entry, day, l.closing});
  }
  for (auto& [id, l] : by_lot) {
    if (l.lines.empty() && l.opening.value == 0 && l.closing.value == 0) {
      continue;
    }
    log.lots.push_back(std::move(l));
  }
  return log;
}

std::string custody_csv(const CustodyLog& log) {
  std::string out = std::string(kCustodyCsvHeader) + "\n";
  for (const CustodyLotLog& l : log.lots) {
    const StockLot& lot = l.lot;
    const std::string prefix =
        fmt::format("{},{},{},{},{}", lot.id.value(), csv_text(lot.product), csv_text(lot.lot),
                    core::display_number(lot.concentration.value()), format_date(lot.expires_on));
    out += fmt::format("{},{},,opening,,{},,,,,,,\n", prefix, format_date(log.from),
                       mg_text(l.opening));
    for (const CustodyLogLine& line : l.lines) {
      const CustodyEntry& e = line.entry;
      const std::string stamp = format_timestamp(e.at);
      const std::string note = e.kind == CustodyKind::Waste   ? e.reason
                               : e.kind == CustodyKind::Count ? e.investigation
                                                              : std::string();
      out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{}\n", prefix, format_date(line.day),
                         stamp.substr(11, 8), to_string(e.kind), mg_text(e.change),
                         mg_text(line.balance_after), csv_text(e.by), csv_text(e.witness),
                         e.patient ? std::to_string(e.patient->value()) : std::string(),
                         e.session ? std::to_string(e.session->value()) : std::string(),
                         optional_mg(e.counted), optional_mg(e.expected), csv_text(note));
    }
    out += fmt::format(
        "{},{},,closing,{},{},,,,,,,\"received {} mg, administered {} mg, wasted {} mg, count "
        "adjustments {} mg\"\n",
        prefix, format_date(log.to), mg_text(l.closing - l.opening), mg_text(l.closing),
        mg_text(l.received), mg_text(l.administered), mg_text(l.wasted), mg_text(l.adjusted));
  }
  return out;
}

std::string_view to_string(CustodyKind kind) {
  return core::name_of(kKinds, kind);
}

core::Result<CustodyKind> parse_custody_kind(std::string_view text) {
  return core::value_of(kKinds, text, "custody record");
}

}  // namespace ketapath::clinic
