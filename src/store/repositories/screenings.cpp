#include <nlohmann/json.hpp>

#include "clinic/domain/screening.h"
#include "clinic/json/json.h"
#include "store/repositories/repositories.h"

namespace ketapath::store::repositories {
namespace {

using nlohmann::json;

// The screening answers and result are one JSON document each: always read whole, never queried
// field by field (eligibility, the field that is, has its own column). They are written with the
// clinic's own JSON forms (clinic/json.h), the same the audit log and --json output use; the
// answers are read back by the clinic's reader, the result (which has no reader there) here.

core::Result<clinic::ScreeningInput> input_from_json(const std::string& text) {
  constexpr std::string_view kWhere = "screenings.input_json";
  auto parsed = clinic::parse_json(text, kWhere);
  if (!parsed) {
    return std::unexpected(corrupt(kWhere, parsed.error()));
  }
  auto input = clinic::screening_input_from_json(*parsed, kWhere);
  if (!input) {
    return std::unexpected(corrupt(kWhere, input.error()));
  }
  return std::move(*input);
}

core::Result<clinic::ScreeningResult> result_from_json(const std::string& text) {
  clinic::ScreeningResult r;
  try {
    const auto j = json::parse(text);
    auto eligibility = clinic::parse_eligibility(j.at("eligibility").get<std::string>());
    if (!eligibility) {
      return std::unexpected(corrupt("screenings.result_json", eligibility.error()));
    }
    r.eligibility = *eligibility;
    r.gad_criteria_met = j.at("gad_criteria_met").get<bool>();
    r.gad_symptom_count = j.at("gad_symptom_count").get<int>();
    r.treatment_resistant = j.at("treatment_resistant").get<bool>();
    r.failed_adequate_trials = j.at("failed_adequate_trials").get<int>();
    r.failed_adequate_psychotherapy = j.at("failed_adequate_psychotherapy").get<int>();
    r.reasons = j.at("reasons").get<std::vector<std::string>>();
    // Written only when some answer was unknown (clinic/json_write.cpp).
    r.unknown_answers = j.value("unknown_answers", std::vector<std::string>{});
    r.unknown_exclusions = j.value("unknown_exclusions", std::vector<std::string>{});
  } catch (const json::exception& e) {
    return core::fail(core::ErrorCode::Storage,
                      "store: screenings.result_json: stored value cannot be read back ({})",
                      e.what());
  }
  return r;
}

constexpr std::string_view kSelect =
    "SELECT id, patient_id, performed_at, performed_by, input_json, result_json, screened_on, "
    "amends_id FROM screenings";
const std::vector<sql::Type> kColumns = {sql::Type::Integer, sql::Type::Integer, sql::Type::Text,
                                         sql::Type::Text,    sql::Type::Text,    sql::Type::Text,
                                         sql::Type::Text,    sql::Type::Integer};

core::Result<clinic::ScreeningRecord> load(sql::Connection& c, const sql::Row& row) {
  clinic::ScreeningRecord record;
  record.id = clinic::ScreeningId(row.integer(0));
  record.patient = clinic::PatientId(row.integer(1));
  record.performed_at = KETAPATH_TRY(read_timestamp(row, 2, "screenings.performed_at"));
  record.performed_by = row.text(3);
  record.input = KETAPATH_TRY(input_from_json(row.text(4)));
  record.result = KETAPATH_TRY(result_from_json(row.text(5)));
  record.screened_on = KETAPATH_TRY(read_optional_date(row, 6, "screenings.screened_on"));
  if (auto v = row.optional_integer(7)) {
    record.amends = clinic::ScreeningId(*v);
    record.amendments = KETAPATH_TRY(
        amendments_of(c, clinic::AmendedKind::Screening, "replacement_id", record.id.value()));
  }
  return record;
}

}  // namespace

core::Result<clinic::ScreeningId> SqlScreenings::add(const clinic::ScreeningRecord& record) {
  KETAPATH_TRY(state_.for_write());
  auto& c = *state_.connection;
  KETAPATH_TRY(require_row(c, "patients", "patient", record.patient.value()));
  if (record.amends) {
    KETAPATH_TRY(require_row(c, "screenings", "screening", record.amends->value()));
  }
  std::string input_json;
  std::string result_json;
  try {
    input_json = clinic::to_json(record.input).dump();
    result_json = clinic::to_json(record.result).dump();
  } catch (const json::exception& e) {  // invalid UTF-8 in a reason: refused, never altered
    return core::fail(core::ErrorCode::Validation, "screening: cannot store the record ({})",
                      e.what());
  }
  auto row = KETAPATH_TRY(c.query_one(
      "INSERT INTO screenings (patient_id, performed_at, performed_by, eligibility, input_json, "
      "result_json, screened_on, amends_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
      {sql::integer(record.patient.value()), timestamp(record.performed_at),
       sql::text(record.performed_by), sql::text(clinic::to_string(record.result.eligibility)),
       sql::text(input_json), sql::text(result_json),
       record.screened_on ? date(*record.screened_on) : sql::null(),
       record.amends ? sql::integer(record.amends->value()) : sql::null()},
      {sql::Type::Integer}));
  return clinic::ScreeningId(row->integer(0));
}

core::Result<clinic::ScreeningRecord> SqlScreenings::get(clinic::ScreeningId id) {
  KETAPATH_TRY(state_.usable());
  auto row = KETAPATH_TRY(state_.connection->query_one(fmt::format("{} WHERE id = $1", kSelect),
                                                       {sql::integer(id.value())}, kColumns));
  if (!row) {
    return core::fail(core::ErrorCode::NotFound, "screening {} not found", id.value());
  }
  return load(*state_.connection, *row);
}

core::Result<std::vector<clinic::ScreeningRecord>> SqlScreenings::list_for_patient(
    clinic::PatientId patient) {
  KETAPATH_TRY(state_.usable());
  auto rows = KETAPATH_TRY(
      state_.connection->query(fmt::format("{} WHERE patient_id = $1 ORDER BY id", kSelect),
                               {sql::integer(patient.value())}, kColumns));
  std::vector<clinic::ScreeningRecord> records;
  for (const auto& row : rows) {
    records.push_back(KETAPATH_TRY(load(*state_.connection, row)));
  }
  return records;
}

}  // namespace ketapath::store::repositories
