// The JSON forms of controlled-substance custody (custody.h): lots, ledger entries, the log and
// the custody_policy setting. Amounts are mg numbers, exact to the microgram (the ledger's unit).

#include <algorithm>

#include "clinic/json/json.h"
#include "clinic/json/json_reader.h"

namespace ketapath::clinic {
namespace {

using detail::JsonReader;

Json mg(Micrograms amount) {
  return to_milligrams(amount).value();
}

Json optional_mg(const std::optional<Micrograms>& amount) {
  return amount ? mg(*amount) : Json(nullptr);
}

}  // namespace

Json to_json(const StockLot& v) {
  return {{"id", v.id.value() > 0 ? Json(v.id.value()) : Json(nullptr)},
          {"product", v.product},
          {"concentration_mg_per_ml", v.concentration.value()},
          {"lot", v.lot},
          {"expires_on", format_date(v.expires_on)},
          {"supplier", v.supplier},
          {"received_at", format_timestamp(v.received_at)},
          {"received_by", v.received_by}};
}

Json to_json(const CustodyEntry& v) {
  return {{"id", v.id.value() > 0 ? Json(v.id.value()) : Json(nullptr)},
          {"stock_lot", v.lot.value()},
          {"record", to_string(v.kind)},
          {"at", format_timestamp(v.at)},
          {"by", v.by},
          {"change_mg", mg(v.change)},
          {"vials", v.vials ? Json(*v.vials) : Json(nullptr)},
          {"ml_per_vial", v.ml_per_vial ? Json(v.ml_per_vial->value()) : Json(nullptr)},
          {"session", v.session ? Json(v.session->value()) : Json(nullptr)},
          {"patient", v.patient ? Json(v.patient->value()) : Json(nullptr)},
          {"witness", v.witness},
          {"reason", v.reason},
          {"counted_mg", optional_mg(v.counted)},
          {"expected_mg", optional_mg(v.expected)},
          {"investigation", v.investigation}};
}

Json to_json(const CustodyPolicy& v) {
  return {{"require_lot", v.require_lot}};
}

Json to_json(const CustodyLog& v) {
  Json lots = Json::array();
  for (const CustodyLotLog& l : v.lots) {
    Json lines = Json::array();
    for (const CustodyLogLine& line : l.lines) {
      Json e = to_json(line.entry);
      e["day"] = format_date(line.day);
      e["balance_mg"] = mg(line.balance_after);
      lines.push_back(std::move(e));
    }
    lots.push_back({{"stock_lot", to_json(l.lot)},
                    {"opening_mg", mg(l.opening)},
                    {"closing_mg", mg(l.closing)},
                    {"received_mg", mg(l.received)},
                    {"administered_mg", mg(l.administered)},
                    {"wasted_mg", mg(l.wasted)},
                    {"adjusted_mg", mg(l.adjusted)},
                    {"entries", std::move(lines)}});
  }
  return {{"from", format_date(v.from)}, {"to", format_date(v.to)}, {"lots", std::move(lots)}};
}

core::Result<CustodyPolicy> custody_policy_from_json(const Json& j, std::string_view where) {
  auto r = KETAPATH_TRY(JsonReader::open(j, std::string(where)));
  CustodyPolicy p;
  p.require_lot = KETAPATH_TRY(r.required(r.boolean("require_lot"), "require_lot"));
  KETAPATH_TRY(r.finish());
  return p;
}

core::Result<StockReceipt> stock_receipt_from_json(const Json& j, std::string_view where) {
  auto r = KETAPATH_TRY(JsonReader::open(j, std::string(where)));
  StockReceipt receipt;
  StockLot& lot = receipt.lot;
  lot.product = KETAPATH_TRY(r.required(r.string("product"), "product"));
  lot.concentration = core::MilligramsPerMillilitre(
      KETAPATH_TRY(r.required(r.number("concentration_mg_per_ml"), "concentration_mg_per_ml")));
  lot.lot = KETAPATH_TRY(r.required(r.string("lot"), "lot"));
  lot.expires_on = KETAPATH_TRY(r.required(r.date("expires_on"), "expires_on"));
  lot.supplier = KETAPATH_TRY(r.required(r.string("supplier"), "supplier"));
  const long long vials = KETAPATH_TRY(r.required(r.integer("vials"), "vials"));
  receipt.vials = static_cast<int>(std::clamp<long long>(vials, -1, 1000000));
  receipt.ml_per_vial =
      core::Millilitres(KETAPATH_TRY(r.required(r.number("ml_per_vial"), "ml_per_vial")));
  receipt.received_at = KETAPATH_TRY(r.timestamp("received_at"));
  KETAPATH_TRY(r.finish());
  return receipt;
}

}  // namespace ketapath::clinic
